package io.xmem.cuda.internal;

import io.xmem.cuda.CudaException;
import io.xmem.cuda.CudaUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver API ({@code libcuda.so.1}) through FFM downcalls: one method per driver call
 * this project uses, each checking the {@code CUresult} and turning a failure into a
 * {@link CudaException} that names the call and the error.
 *
 * <p>Nothing is loaded until the first use: a JVM without a GPU loads this class, asks
 * {@link #available()} and gets {@code false} with {@link #unavailableReason()}. Handles
 * ({@code CUcontext}, {@code CUstream}, {@code CUevent}, {@code CUmodule}, {@code CUfunction})
 * are opaque pointers carried as {@code long}; device pointers ({@code CUdeviceptr}) are 64-bit
 * integers. Every call is thread-safe in the driver; a caller makes a context current first
 * (the primary context of the device, see {@link #primaryContext}).
 */
public final class CudaDriver {
    /** {@code CU_EVENT_DISABLE_TIMING}. */
    public static final int EVENT_DISABLE_TIMING = 0x2;
    /** {@code CU_EVENT_INTERPROCESS}; needs {@link #EVENT_DISABLE_TIMING} too. */
    public static final int EVENT_INTERPROCESS = 0x4;
    /** {@code CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS}. */
    public static final int IPC_MEM_LAZY_ENABLE_PEER_ACCESS = 0x1;
    /** {@code CU_STREAM_NON_BLOCKING}. */
    public static final int STREAM_NON_BLOCKING = 0x1;
    /** Bytes of a {@code CUipcMemHandle} and of a {@code CUipcEventHandle}. */
    public static final int IPC_HANDLE_BYTES = 64;
    /** {@code CUDA_ERROR_NOT_READY}: an event or stream query whose work is still running. */
    public static final int ERROR_NOT_READY = 600;
    public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;

    private static final String LIBRARY = "libcuda.so.1";
    /** The IPC handles travel by value: a 64-byte struct. */
    private static final MemoryLayout IPC_HANDLE = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(IPC_HANDLE_BYTES, JAVA_BYTE).withName("reserved"));

    private CudaDriver() {
    }

    // ------------------------------------------------------------------ loading

    /** Loaded on first use; holds the reason instead when the driver cannot be used. */
    private static final class Loaded {
        static final Calls CALLS;
        static final String REASON;

        static {
            Calls calls = null;
            String reason;
            try {
                calls = new Calls();
                int rc = (int) calls.cuInit.invokeExact(0);
                if (rc != 0) {
                    reason = "cuInit failed: " + errorText(calls, rc) + " (no usable NVIDIA GPU or driver)";
                    calls = null;
                } else {
                    reason = null;
                }
            } catch (IllegalArgumentException e) {
                reason = LIBRARY + " cannot be loaded (" + e.getMessage() + "): no NVIDIA driver on this machine";
            } catch (UnsatisfiedLinkError | IllegalCallerException e) {
                reason = LIBRARY + " cannot be loaded: " + e;
            } catch (Throwable e) {
                reason = "the CUDA driver failed to start: " + e;
                calls = null;
            }
            CALLS = calls;
            REASON = reason;
        }
    }

    /** Whether the driver loaded and {@code cuInit} succeeded (loads it on the first call). */
    public static boolean available() {
        return Loaded.CALLS != null;
    }

    /** Why the driver is unusable; empty when it is usable. */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(Loaded.REASON);
    }

    private static Calls calls() {
        Calls calls = Loaded.CALLS;
        if (calls == null) {
            throw new CudaUnavailableException("CUDA unavailable: " + Loaded.REASON);
        }
        return calls;
    }

    /** The downcall handles, looked up once. A missing symbol fails when first called. */
    private static final class Calls {
        // First: the handle initialisers below run in textual order and need the library.
        private final SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        private final Linker linker = Linker.nativeLinker();
        final MethodHandle cuInit = handle("cuInit", JAVA_INT);
        final MethodHandle cuGetErrorName = handle("cuGetErrorName", JAVA_INT, ADDRESS);
        final MethodHandle cuGetErrorString = handle("cuGetErrorString", JAVA_INT, ADDRESS);
        final MethodHandle cuDriverGetVersion = handle("cuDriverGetVersion", ADDRESS);
        final MethodHandle cuDeviceGetCount = handle("cuDeviceGetCount", ADDRESS);
        final MethodHandle cuDeviceGet = handle("cuDeviceGet", ADDRESS, JAVA_INT);
        final MethodHandle cuDeviceGetName = handle("cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        final MethodHandle cuDeviceTotalMem = handle("cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        final MethodHandle cuDeviceGetAttribute = handle("cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        final MethodHandle cuDeviceGetUuid = handle("cuDeviceGetUuid_v2", "cuDeviceGetUuid", ADDRESS, JAVA_INT);
        final MethodHandle cuDevicePrimaryCtxRetain = handle("cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        final MethodHandle cuCtxSetCurrent = handle("cuCtxSetCurrent", ADDRESS);
        final MethodHandle cuCtxSynchronize = handle("cuCtxSynchronize");
        final MethodHandle cuMemAlloc = handle("cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        final MethodHandle cuMemFree = handle("cuMemFree_v2", JAVA_LONG);
        final MethodHandle cuMemsetD8 = handle("cuMemsetD8_v2", JAVA_LONG, JAVA_BYTE, JAVA_LONG);
        final MethodHandle cuMemcpyHtoD = handle("cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        final MethodHandle cuMemcpyDtoH = handle("cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        final MethodHandle cuMemcpyDtoD = handle("cuMemcpyDtoD_v2", JAVA_LONG, JAVA_LONG, JAVA_LONG);
        final MethodHandle cuMemcpyHtoDAsync = handle("cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
        final MethodHandle cuMemcpyDtoHAsync = handle("cuMemcpyDtoHAsync_v2", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
        final MethodHandle cuMemHostRegister = handle("cuMemHostRegister_v2", ADDRESS, JAVA_LONG, JAVA_INT);
        final MethodHandle cuMemHostUnregister = handle("cuMemHostUnregister", ADDRESS);
        final MethodHandle cuIpcGetMemHandle = handle("cuIpcGetMemHandle", ADDRESS, JAVA_LONG);
        final MethodHandle cuIpcOpenMemHandle = handle("cuIpcOpenMemHandle_v2", ADDRESS, IPC_HANDLE, JAVA_INT);
        final MethodHandle cuIpcCloseMemHandle = handle("cuIpcCloseMemHandle", JAVA_LONG);
        final MethodHandle cuEventCreate = handle("cuEventCreate", ADDRESS, JAVA_INT);
        final MethodHandle cuEventRecord = handle("cuEventRecord", ADDRESS, ADDRESS);
        final MethodHandle cuEventSynchronize = handle("cuEventSynchronize", ADDRESS);
        final MethodHandle cuEventQuery = handle("cuEventQuery", ADDRESS);
        final MethodHandle cuEventDestroy = handle("cuEventDestroy_v2", ADDRESS);
        final MethodHandle cuIpcGetEventHandle = handle("cuIpcGetEventHandle", ADDRESS, ADDRESS);
        final MethodHandle cuIpcOpenEventHandle = handle("cuIpcOpenEventHandle", ADDRESS, IPC_HANDLE);
        final MethodHandle cuStreamCreate = handle("cuStreamCreate", ADDRESS, JAVA_INT);
        final MethodHandle cuStreamWaitEvent = handle("cuStreamWaitEvent", ADDRESS, ADDRESS, JAVA_INT);
        final MethodHandle cuStreamSynchronize = handle("cuStreamSynchronize", ADDRESS);
        final MethodHandle cuStreamDestroy = handle("cuStreamDestroy_v2", ADDRESS);
        final MethodHandle cuModuleLoadData = handle("cuModuleLoadData", ADDRESS, ADDRESS);
        final MethodHandle cuModuleGetFunction = handle("cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        final MethodHandle cuModuleUnload = handle("cuModuleUnload", ADDRESS);
        final MethodHandle cuLaunchKernel = handle("cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);

        private MethodHandle handle(String name, MemoryLayout... args) {
            return handle(name, null, args);
        }

        /** A downcall returning {@code CUresult}; {@code fallback} is an older name of the same call. */
        private MethodHandle handle(String name, String fallback, MemoryLayout... args) {
            MemorySegment symbol = lib.find(name)
                .or(() -> fallback == null ? Optional.empty() : lib.find(fallback))
                .orElse(null);
            if (symbol == null) {
                return null; // reported by check() when called
            }
            return linker.downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, args));
        }
    }

    private static MethodHandle need(MethodHandle handle, String name) {
        if (handle == null) {
            throw new CudaException(name, -1, "MISSING_SYMBOL",
                LIBRARY + " does not export " + name + ": the NVIDIA driver is too old for xmem");
        }
        return handle;
    }

    private static void check(String call, int rc) {
        if (rc != 0) {
            Calls calls = Loaded.CALLS;
            throw new CudaException(call, rc, errorName(calls, rc), errorString(calls, rc));
        }
    }

    private static String errorText(Calls calls, int rc) {
        return errorName(calls, rc) + " (" + rc + "): " + errorString(calls, rc);
    }

    private static String errorName(Calls calls, int rc) {
        return describe(calls == null ? null : calls.cuGetErrorName, rc, "CUDA_ERROR_" + rc);
    }

    private static String errorString(Calls calls, int rc) {
        return describe(calls == null ? null : calls.cuGetErrorString, rc, "unknown error");
    }

    private static String describe(MethodHandle call, int rc, String otherwise) {
        if (call == null) {
            return otherwise;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            if ((int) call.invokeExact(rc, out) != 0) {
                return otherwise;
            }
            MemorySegment text = out.get(ADDRESS, 0);
            return text.equals(MemorySegment.NULL) ? otherwise : text.reinterpret(512).getString(0);
        } catch (Throwable e) {
            return otherwise;
        }
    }

    /** Rethrows what a downcall threw: CUDA reports through return codes, so this is a JVM error. */
    private static RuntimeException failed(String call, Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new CudaException(call, -1, "DOWNCALL_FAILED", e.toString());
    }

    // ------------------------------------------------------------------ calling

    /** One downcall on its handle, returning the CUresult. */
    @FunctionalInterface
    private interface Downcall {
        int call(MethodHandle handle) throws Throwable;
    }

    /** One downcall that writes its result through the pointer {@code out}, returning the CUresult. */
    @FunctionalInterface
    private interface OutDowncall {
        int call(MethodHandle handle, MemorySegment out) throws Throwable;
    }

    /** Calls {@code symbol} (named {@code call} in errors) and checks its CUresult. */
    private static void invoke(String call, String symbol, MethodHandle handle, Downcall downcall) {
        MethodHandle h = need(handle, symbol);
        int rc;
        try {
            rc = downcall.call(h);
        } catch (Throwable e) {
            throw failed(call, e);
        }
        check(call, rc);
    }

    /** Like {@link #invoke}, for a call with one out-parameter of {@code layout}; returns its bytes. */
    private static MemorySegment invokeOut(String call, String symbol, MethodHandle handle, MemoryLayout layout,
                                           OutDowncall downcall) {
        MemorySegment out = Arena.ofAuto().allocate(layout);
        invoke(call, symbol, handle, h -> downcall.call(h, out));
        return out;
    }

    private static int outInt(String symbol, MethodHandle handle, OutDowncall downcall) {
        return invokeOut(symbol, symbol, handle, JAVA_INT, downcall).get(JAVA_INT, 0);
    }

    private static long outLong(String call, String symbol, MethodHandle handle, OutDowncall downcall) {
        return invokeOut(call, symbol, handle, JAVA_LONG, downcall).get(JAVA_LONG, 0);
    }

    /** For calls that return an opaque handle (a pointer) through their out-parameter. */
    private static long outPointer(String call, String symbol, MethodHandle handle, OutDowncall downcall) {
        return invokeOut(call, symbol, handle, ADDRESS, downcall).get(ADDRESS, 0).address();
    }

    private static MemorySegment ptr(long address) {
        return MemorySegment.ofAddress(address);
    }

    // ------------------------------------------------------------------ devices and contexts

    public static int driverVersion() {
        return outInt("cuDriverGetVersion", calls().cuDriverGetVersion, (h, out) -> (int) h.invokeExact(out));
    }

    public static int deviceCount() {
        return outInt("cuDeviceGetCount", calls().cuDeviceGetCount, (h, out) -> (int) h.invokeExact(out));
    }

    /** The {@code CUdevice} of ordinal {@code ordinal}. */
    public static int device(int ordinal) {
        return outInt("cuDeviceGet", calls().cuDeviceGet, (h, out) -> (int) h.invokeExact(out, ordinal));
    }

    public static String deviceName(int device) {
        return invokeOut("cuDeviceGetName", "cuDeviceGetName", calls().cuDeviceGetName, MemoryLayout.sequenceLayout(256,
            JAVA_BYTE), (h, out) -> (int) h.invokeExact(out, 256, device)).getString(0);
    }

    public static long deviceTotalMemory(int device) {
        return outLong("cuDeviceTotalMem", "cuDeviceTotalMem_v2", calls().cuDeviceTotalMem,
            (h, out) -> (int) h.invokeExact(out, device));
    }

    public static int deviceAttribute(int device, int attribute) {
        return outInt("cuDeviceGetAttribute", calls().cuDeviceGetAttribute,
            (h, out) -> (int) h.invokeExact(out, attribute, device));
    }

    /** The device's 16-byte UUID: stable across processes whatever their device numbering. */
    public static byte[] deviceUuid(int device) {
        return invokeOut("cuDeviceGetUuid", "cuDeviceGetUuid", calls().cuDeviceGetUuid,
            MemoryLayout.sequenceLayout(16, JAVA_BYTE), (h, out) -> (int) h.invokeExact(out,
                device)).toArray(JAVA_BYTE);
    }

    /** Retains the device's primary context (one per device and process) and returns it. */
    public static long primaryContext(int device) {
        return outPointer("cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRetain", calls().cuDevicePrimaryCtxRetain,
            (h, out) -> (int) h.invokeExact(out, device));
    }

    public static void setCurrentContext(long context) {
        invoke("cuCtxSetCurrent", "cuCtxSetCurrent", calls().cuCtxSetCurrent, h -> (int) h.invokeExact(ptr(context)));
    }

    public static void synchronizeContext() {
        invoke("cuCtxSynchronize", "cuCtxSynchronize", calls().cuCtxSynchronize, h -> (int) h.invokeExact());
    }

    // ------------------------------------------------------------------ memory

    public static long memAlloc(long bytes) {
        return outLong("cuMemAlloc(" + bytes + " bytes)", "cuMemAlloc_v2", calls().cuMemAlloc,
            (h, out) -> (int) h.invokeExact(out, bytes));
    }

    public static void memFree(long pointer) {
        invoke("cuMemFree", "cuMemFree_v2", calls().cuMemFree, h -> (int) h.invokeExact(pointer));
    }

    public static void memset(long pointer, byte value, long bytes) {
        invoke("cuMemsetD8", "cuMemsetD8_v2", calls().cuMemsetD8, h -> (int) h.invokeExact(pointer, value, bytes));
    }

    public static void copyHostToDevice(long device, MemorySegment host, long bytes) {
        invoke("cuMemcpyHtoD", "cuMemcpyHtoD_v2", calls().cuMemcpyHtoD, h -> (int) h.invokeExact(device, host, bytes));
    }

    public static void copyDeviceToHost(MemorySegment host, long device, long bytes) {
        invoke("cuMemcpyDtoH", "cuMemcpyDtoH_v2", calls().cuMemcpyDtoH, h -> (int) h.invokeExact(host, device, bytes));
    }

    public static void copyDeviceToDevice(long to, long from, long bytes) {
        invoke("cuMemcpyDtoD", "cuMemcpyDtoD_v2", calls().cuMemcpyDtoD, h -> (int) h.invokeExact(to, from, bytes));
    }

    public static void copyHostToDeviceAsync(long device, MemorySegment host, long bytes, long stream) {
        invoke("cuMemcpyHtoDAsync", "cuMemcpyHtoDAsync_v2", calls().cuMemcpyHtoDAsync,
            h -> (int) h.invokeExact(device, host, bytes, ptr(stream)));
    }

    public static void copyDeviceToHostAsync(MemorySegment host, long device, long bytes, long stream) {
        invoke("cuMemcpyDtoHAsync", "cuMemcpyDtoHAsync_v2", calls().cuMemcpyDtoHAsync,
            h -> (int) h.invokeExact(host, device, bytes, ptr(stream)));
    }

    /** Page-locks host memory (a shared mapping included) so copies to and from it run at full speed. */
    public static void hostRegister(MemorySegment host) {
        invoke("cuMemHostRegister", "cuMemHostRegister_v2", calls().cuMemHostRegister,
            h -> (int) h.invokeExact(host, host.byteSize(), 0));
    }

    public static void hostUnregister(MemorySegment host) {
        invoke("cuMemHostUnregister", "cuMemHostUnregister", calls().cuMemHostUnregister, h ->
            (int) h.invokeExact(host));
    }

    // ------------------------------------------------------------------ IPC

    /** Writes the IPC handle of the allocation starting at {@code pointer} into {@code out} (64 bytes). */
    public static void ipcGetMemHandle(MemorySegment out, long pointer) {
        invoke("cuIpcGetMemHandle", "cuIpcGetMemHandle", calls().cuIpcGetMemHandle,
            h -> (int) h.invokeExact(out, pointer));
    }

    /** Maps another process's allocation named by a 64-byte handle into the current context. */
    public static long ipcOpenMemHandle(MemorySegment handle) {
        return outLong("cuIpcOpenMemHandle", "cuIpcOpenMemHandle_v2", calls().cuIpcOpenMemHandle,
            (h, out) -> (int) h.invokeExact(out, handle, IPC_MEM_LAZY_ENABLE_PEER_ACCESS));
    }

    public static void ipcCloseMemHandle(long pointer) {
        invoke("cuIpcCloseMemHandle", "cuIpcCloseMemHandle", calls().cuIpcCloseMemHandle,
            h -> (int) h.invokeExact(pointer));
    }

    public static long eventCreate(int flags) {
        return outPointer("cuEventCreate", "cuEventCreate", calls().cuEventCreate,
            (h, out) -> (int) h.invokeExact(out, flags));
    }

    public static void eventRecord(long event, long stream) {
        invoke("cuEventRecord", "cuEventRecord", calls().cuEventRecord,
            h -> (int) h.invokeExact(ptr(event), ptr(stream)));
    }

    public static void eventSynchronize(long event) {
        invoke("cuEventSynchronize", "cuEventSynchronize", calls().cuEventSynchronize,
            h -> (int) h.invokeExact(ptr(event)));
    }

    /** True when the work the event waits for has finished. */
    public static boolean eventQuery(long event) {
        boolean[] done = new boolean[1];
        invoke("cuEventQuery", "cuEventQuery", calls().cuEventQuery, h -> {
            int rc = (int) h.invokeExact(ptr(event));
            done[0] = rc != ERROR_NOT_READY;
            return rc == ERROR_NOT_READY ? 0 : rc; // not ready is an answer, not a failure
        });
        return done[0];
    }

    public static void eventDestroy(long event) {
        invoke("cuEventDestroy", "cuEventDestroy_v2", calls().cuEventDestroy, h -> (int) h.invokeExact(ptr(event)));
    }

    public static void ipcGetEventHandle(MemorySegment out, long event) {
        invoke("cuIpcGetEventHandle", "cuIpcGetEventHandle", calls().cuIpcGetEventHandle,
            h -> (int) h.invokeExact(out, ptr(event)));
    }

    public static long ipcOpenEventHandle(MemorySegment handle) {
        return outPointer("cuIpcOpenEventHandle", "cuIpcOpenEventHandle", calls().cuIpcOpenEventHandle,
            (h, out) -> (int) h.invokeExact(out, handle));
    }

    // ------------------------------------------------------------------ streams

    public static long streamCreate(int flags) {
        return outPointer("cuStreamCreate", "cuStreamCreate", calls().cuStreamCreate,
            (h, out) -> (int) h.invokeExact(out, flags));
    }

    public static void streamWaitEvent(long stream, long event) {
        invoke("cuStreamWaitEvent", "cuStreamWaitEvent", calls().cuStreamWaitEvent,
            h -> (int) h.invokeExact(ptr(stream), ptr(event), 0));
    }

    public static void streamSynchronize(long stream) {
        invoke("cuStreamSynchronize", "cuStreamSynchronize", calls().cuStreamSynchronize,
            h -> (int) h.invokeExact(ptr(stream)));
    }

    public static void streamDestroy(long stream) {
        invoke("cuStreamDestroy", "cuStreamDestroy_v2", calls().cuStreamDestroy, h -> (int) h.invokeExact(ptr(stream)));
    }

    // ------------------------------------------------------------------ modules and kernels

    /** Loads a module from a NUL-terminated PTX (or cubin) image. */
    public static long moduleLoadData(MemorySegment image) {
        return outPointer("cuModuleLoadData", "cuModuleLoadData", calls().cuModuleLoadData,
            (h, out) -> (int) h.invokeExact(out, image));
    }

    public static long moduleGetFunction(long module, String name) {
        MemorySegment cName = Arena.ofAuto().allocateFrom(name);
        return outPointer("cuModuleGetFunction(" + name + ")", "cuModuleGetFunction", calls().cuModuleGetFunction,
            (h, out) -> (int) h.invokeExact(out, ptr(module), cName));
    }

    public static void moduleUnload(long module) {
        invoke("cuModuleUnload", "cuModuleUnload", calls().cuModuleUnload, h -> (int) h.invokeExact(ptr(module)));
    }

    /**
     * Launches {@code function} on a 1-D grid; {@code params} is the {@code void**} array of
     * pointers to each argument's value.
     */
    public static void launch(long function, int grid, int block, long stream, MemorySegment params) {
        invoke("cuLaunchKernel", "cuLaunchKernel", calls().cuLaunchKernel, h -> (int) h.invokeExact(ptr(function),
            grid, 1, 1, block, 1, 1, 0, ptr(stream), params, MemorySegment.NULL));
    }
}
