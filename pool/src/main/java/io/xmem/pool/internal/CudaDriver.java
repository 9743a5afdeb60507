package io.xmem.pool.internal;

import io.xmem.pool.cuda.CudaException;
import io.xmem.pool.cuda.CudaUnavailableException;

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

    // ------------------------------------------------------------------ devices and contexts

    public static int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDriverGetVersion", (int) need(calls().cuDriverGetVersion, "cuDriverGetVersion").invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable e) {
            throw failed("cuDriverGetVersion", e);
        }
    }

    public static int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGetCount", (int) need(calls().cuDeviceGetCount, "cuDeviceGetCount").invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable e) {
            throw failed("cuDeviceGetCount", e);
        }
    }

    /** The {@code CUdevice} of ordinal {@code ordinal}. */
    public static int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGet", (int) need(calls().cuDeviceGet, "cuDeviceGet").invokeExact(out, ordinal));
            return out.get(JAVA_INT, 0);
        } catch (Throwable e) {
            throw failed("cuDeviceGet", e);
        }
    }

    public static String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(256);
            check("cuDeviceGetName", (int) need(calls().cuDeviceGetName, "cuDeviceGetName").invokeExact(out, 256, device));
            return out.getString(0);
        } catch (Throwable e) {
            throw failed("cuDeviceGetName", e);
        }
    }

    public static long deviceTotalMemory(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuDeviceTotalMem", (int) need(calls().cuDeviceTotalMem, "cuDeviceTotalMem_v2").invokeExact(out, device));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable e) {
            throw failed("cuDeviceTotalMem", e);
        }
    }

    public static int deviceAttribute(int device, int attribute) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", (int) need(calls().cuDeviceGetAttribute, "cuDeviceGetAttribute")
                .invokeExact(out, attribute, device));
            return out.get(JAVA_INT, 0);
        } catch (Throwable e) {
            throw failed("cuDeviceGetAttribute", e);
        }
    }

    /** The device's 16-byte UUID: stable across processes whatever their device numbering. */
    public static byte[] deviceUuid(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(16);
            check("cuDeviceGetUuid", (int) need(calls().cuDeviceGetUuid, "cuDeviceGetUuid").invokeExact(out, device));
            return out.toArray(JAVA_BYTE);
        } catch (Throwable e) {
            throw failed("cuDeviceGetUuid", e);
        }
    }

    /** Retains the device's primary context (one per device and process) and returns it. */
    public static long primaryContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) need(calls().cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain")
                .invokeExact(out, device));
            return out.get(ADDRESS, 0).address();
        } catch (Throwable e) {
            throw failed("cuDevicePrimaryCtxRetain", e);
        }
    }

    public static void setCurrentContext(long context) {
        try {
            check("cuCtxSetCurrent", (int) need(calls().cuCtxSetCurrent, "cuCtxSetCurrent")
                .invokeExact(MemorySegment.ofAddress(context)));
        } catch (Throwable e) {
            throw failed("cuCtxSetCurrent", e);
        }
    }

    public static void synchronizeContext() {
        try {
            check("cuCtxSynchronize", (int) need(calls().cuCtxSynchronize, "cuCtxSynchronize").invokeExact());
        } catch (Throwable e) {
            throw failed("cuCtxSynchronize", e);
        }
    }

    // ------------------------------------------------------------------ memory

    public static long memAlloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuMemAlloc(" + bytes + " bytes)", (int) need(calls().cuMemAlloc, "cuMemAlloc_v2").invokeExact(out, bytes));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable e) {
            throw failed("cuMemAlloc", e);
        }
    }

    public static void memFree(long pointer) {
        try {
            check("cuMemFree", (int) need(calls().cuMemFree, "cuMemFree_v2").invokeExact(pointer));
        } catch (Throwable e) {
            throw failed("cuMemFree", e);
        }
    }

    public static void memset(long pointer, byte value, long bytes) {
        try {
            check("cuMemsetD8", (int) need(calls().cuMemsetD8, "cuMemsetD8_v2").invokeExact(pointer, value, bytes));
        } catch (Throwable e) {
            throw failed("cuMemsetD8", e);
        }
    }

    public static void copyHostToDevice(long device, MemorySegment host, long bytes) {
        try {
            check("cuMemcpyHtoD", (int) need(calls().cuMemcpyHtoD, "cuMemcpyHtoD_v2").invokeExact(device, host, bytes));
        } catch (Throwable e) {
            throw failed("cuMemcpyHtoD", e);
        }
    }

    public static void copyDeviceToHost(MemorySegment host, long device, long bytes) {
        try {
            check("cuMemcpyDtoH", (int) need(calls().cuMemcpyDtoH, "cuMemcpyDtoH_v2").invokeExact(host, device, bytes));
        } catch (Throwable e) {
            throw failed("cuMemcpyDtoH", e);
        }
    }

    public static void copyDeviceToDevice(long to, long from, long bytes) {
        try {
            check("cuMemcpyDtoD", (int) need(calls().cuMemcpyDtoD, "cuMemcpyDtoD_v2").invokeExact(to, from, bytes));
        } catch (Throwable e) {
            throw failed("cuMemcpyDtoD", e);
        }
    }

    public static void copyHostToDeviceAsync(long device, MemorySegment host, long bytes, long stream) {
        try {
            check("cuMemcpyHtoDAsync", (int) need(calls().cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2")
                .invokeExact(device, host, bytes, MemorySegment.ofAddress(stream)));
        } catch (Throwable e) {
            throw failed("cuMemcpyHtoDAsync", e);
        }
    }

    public static void copyDeviceToHostAsync(MemorySegment host, long device, long bytes, long stream) {
        try {
            check("cuMemcpyDtoHAsync", (int) need(calls().cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2")
                .invokeExact(host, device, bytes, MemorySegment.ofAddress(stream)));
        } catch (Throwable e) {
            throw failed("cuMemcpyDtoHAsync", e);
        }
    }

    /** Page-locks host memory (a shared mapping included) so copies to and from it run at full speed. */
    public static void hostRegister(MemorySegment host) {
        try {
            check("cuMemHostRegister", (int) need(calls().cuMemHostRegister, "cuMemHostRegister_v2")
                .invokeExact(host, host.byteSize(), 0));
        } catch (Throwable e) {
            throw failed("cuMemHostRegister", e);
        }
    }

    public static void hostUnregister(MemorySegment host) {
        try {
            check("cuMemHostUnregister", (int) need(calls().cuMemHostUnregister, "cuMemHostUnregister").invokeExact(host));
        } catch (Throwable e) {
            throw failed("cuMemHostUnregister", e);
        }
    }

    // ------------------------------------------------------------------ IPC

    /** Writes the IPC handle of the allocation starting at {@code pointer} into {@code out} (64 bytes). */
    public static void ipcGetMemHandle(MemorySegment out, long pointer) {
        try {
            check("cuIpcGetMemHandle", (int) need(calls().cuIpcGetMemHandle, "cuIpcGetMemHandle").invokeExact(out, pointer));
        } catch (Throwable e) {
            throw failed("cuIpcGetMemHandle", e);
        }
    }

    /** Maps another process's allocation named by a 64-byte handle into the current context. */
    public static long ipcOpenMemHandle(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            check("cuIpcOpenMemHandle", (int) need(calls().cuIpcOpenMemHandle, "cuIpcOpenMemHandle_v2")
                .invokeExact(out, handle, IPC_MEM_LAZY_ENABLE_PEER_ACCESS));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable e) {
            throw failed("cuIpcOpenMemHandle", e);
        }
    }

    public static void ipcCloseMemHandle(long pointer) {
        try {
            check("cuIpcCloseMemHandle", (int) need(calls().cuIpcCloseMemHandle, "cuIpcCloseMemHandle")
                .invokeExact(pointer));
        } catch (Throwable e) {
            throw failed("cuIpcCloseMemHandle", e);
        }
    }

    public static long eventCreate(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuEventCreate", (int) need(calls().cuEventCreate, "cuEventCreate").invokeExact(out, flags));
            return out.get(ADDRESS, 0).address();
        } catch (Throwable e) {
            throw failed("cuEventCreate", e);
        }
    }

    public static void eventRecord(long event, long stream) {
        try {
            check("cuEventRecord", (int) need(calls().cuEventRecord, "cuEventRecord")
                .invokeExact(MemorySegment.ofAddress(event), MemorySegment.ofAddress(stream)));
        } catch (Throwable e) {
            throw failed("cuEventRecord", e);
        }
    }

    public static void eventSynchronize(long event) {
        try {
            check("cuEventSynchronize", (int) need(calls().cuEventSynchronize, "cuEventSynchronize")
                .invokeExact(MemorySegment.ofAddress(event)));
        } catch (Throwable e) {
            throw failed("cuEventSynchronize", e);
        }
    }

    /** True when the work the event waits for has finished. */
    public static boolean eventQuery(long event) {
        try {
            int rc = (int) need(calls().cuEventQuery, "cuEventQuery").invokeExact(MemorySegment.ofAddress(event));
            if (rc == ERROR_NOT_READY) {
                return false;
            }
            check("cuEventQuery", rc);
            return true;
        } catch (Throwable e) {
            throw failed("cuEventQuery", e);
        }
    }

    public static void eventDestroy(long event) {
        try {
            check("cuEventDestroy", (int) need(calls().cuEventDestroy, "cuEventDestroy_v2")
                .invokeExact(MemorySegment.ofAddress(event)));
        } catch (Throwable e) {
            throw failed("cuEventDestroy", e);
        }
    }

    public static void ipcGetEventHandle(MemorySegment out, long event) {
        try {
            check("cuIpcGetEventHandle", (int) need(calls().cuIpcGetEventHandle, "cuIpcGetEventHandle")
                .invokeExact(out, MemorySegment.ofAddress(event)));
        } catch (Throwable e) {
            throw failed("cuIpcGetEventHandle", e);
        }
    }

    public static long ipcOpenEventHandle(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuIpcOpenEventHandle", (int) need(calls().cuIpcOpenEventHandle, "cuIpcOpenEventHandle")
                .invokeExact(out, handle));
            return out.get(ADDRESS, 0).address();
        } catch (Throwable e) {
            throw failed("cuIpcOpenEventHandle", e);
        }
    }

    // ------------------------------------------------------------------ streams

    public static long streamCreate(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuStreamCreate", (int) need(calls().cuStreamCreate, "cuStreamCreate").invokeExact(out, flags));
            return out.get(ADDRESS, 0).address();
        } catch (Throwable e) {
            throw failed("cuStreamCreate", e);
        }
    }

    public static void streamWaitEvent(long stream, long event) {
        try {
            check("cuStreamWaitEvent", (int) need(calls().cuStreamWaitEvent, "cuStreamWaitEvent")
                .invokeExact(MemorySegment.ofAddress(stream), MemorySegment.ofAddress(event), 0));
        } catch (Throwable e) {
            throw failed("cuStreamWaitEvent", e);
        }
    }

    public static void streamSynchronize(long stream) {
        try {
            check("cuStreamSynchronize", (int) need(calls().cuStreamSynchronize, "cuStreamSynchronize")
                .invokeExact(MemorySegment.ofAddress(stream)));
        } catch (Throwable e) {
            throw failed("cuStreamSynchronize", e);
        }
    }

    public static void streamDestroy(long stream) {
        try {
            check("cuStreamDestroy", (int) need(calls().cuStreamDestroy, "cuStreamDestroy_v2")
                .invokeExact(MemorySegment.ofAddress(stream)));
        } catch (Throwable e) {
            throw failed("cuStreamDestroy", e);
        }
    }

    // ------------------------------------------------------------------ modules and kernels

    /** Loads a module from a NUL-terminated PTX (or cubin) image. */
    public static long moduleLoadData(MemorySegment image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuModuleLoadData", (int) need(calls().cuModuleLoadData, "cuModuleLoadData").invokeExact(out, image));
            return out.get(ADDRESS, 0).address();
        } catch (Throwable e) {
            throw failed("cuModuleLoadData", e);
        }
    }

    public static long moduleGetFunction(long module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuModuleGetFunction(" + name + ")", (int) need(calls().cuModuleGetFunction, "cuModuleGetFunction")
                .invokeExact(out, MemorySegment.ofAddress(module), arena.allocateFrom(name)));
            return out.get(ADDRESS, 0).address();
        } catch (Throwable e) {
            throw failed("cuModuleGetFunction", e);
        }
    }

    public static void moduleUnload(long module) {
        try {
            check("cuModuleUnload", (int) need(calls().cuModuleUnload, "cuModuleUnload")
                .invokeExact(MemorySegment.ofAddress(module)));
        } catch (Throwable e) {
            throw failed("cuModuleUnload", e);
        }
    }

    /**
     * Launches {@code function} on a 1-D grid; {@code params} is the {@code void**} array of
     * pointers to each argument's value.
     */
    public static void launch(long function, int grid, int block, long stream, MemorySegment params) {
        try {
            check("cuLaunchKernel", (int) need(calls().cuLaunchKernel, "cuLaunchKernel").invokeExact(
                MemorySegment.ofAddress(function), grid, 1, 1, block, 1, 1, 0,
                MemorySegment.ofAddress(stream), params, MemorySegment.NULL));
        } catch (Throwable e) {
            throw failed("cuLaunchKernel", e);
        }
    }
}
