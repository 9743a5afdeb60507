package io.xmem.cuda;

import io.xmem.cuda.internal.CudaDriver;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Entry point of the CUDA support: whether the driver is usable here, and the devices.
 *
 * <pre>{@code
 * if (!Cuda.isAvailable()) {
 *     System.out.println("no GPU: " + Cuda.unavailableReason().orElseThrow());
 * } else {
 *     CudaDevice gpu = Cuda.device(0);
 *     System.out.println(gpu);   // CudaDevice[0: NVIDIA H100 80GB HBM3, 9.0, 79.1 GiB]
 * }
 * }</pre>
 *
 * <p>The driver library ({@code libcuda.so.1}) is loaded on the first call of any method here
 * and never before, so every class of this package loads on a machine without a GPU.
 */
public final class Cuda {
    private Cuda() {
    }

    /** Whether the CUDA driver loaded and initialised, with at least one device. */
    public static boolean isAvailable() {
        return CudaDriver.available() && CudaDriver.deviceCount() > 0;
    }

    /** Why CUDA cannot be used here; empty when {@link #isAvailable()}. */
    public static Optional<String> unavailableReason() {
        Optional<String> reason = CudaDriver.unavailableReason();
        if (reason.isPresent()) {
            return reason;
        }
        return CudaDriver.deviceCount() > 0 ? Optional.empty() : Optional.of("the CUDA driver reports no devices");
    }

    /** Fails with {@link CudaUnavailableException} (and its reason) unless CUDA is usable. */
    public static void requireAvailable() {
        Optional<String> reason = unavailableReason();
        if (reason.isPresent()) {
            throw new CudaUnavailableException("CUDA unavailable: " + reason.get());
        }
    }

    /** The driver's CUDA version, e.g. 13000 for 13.0. */
    public static int driverVersion() {
        return CudaDriver.driverVersion();
    }

    public static int deviceCount() {
        requireAvailable();
        return CudaDriver.deviceCount();
    }

    /** Device {@code ordinal} (as this process numbers them: {@code CUDA_VISIBLE_DEVICES} applies). */
    public static CudaDevice device(int ordinal) {
        requireAvailable();
        return CudaDevice.of(ordinal);
    }

    public static List<CudaDevice> devices() {
        int count = deviceCount();
        List<CudaDevice> devices = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            devices.add(CudaDevice.of(i));
        }
        return devices;
    }

    /**
     * Page-locks host memory ({@code cuMemHostRegister}; a pool buffer's segment works), so that
     * copies between it and a device run at full speed; undo with {@link #unpageLock}.
     */
    public static void pageLock(MemorySegment host) {
        requireAvailable();
        CudaDriver.hostRegister(host);
    }

    public static void unpageLock(MemorySegment host) {
        requireAvailable();
        CudaDriver.hostUnregister(host);
    }

    /** The device with this UUID in this process's numbering; empty if this process cannot see it. */
    public static Optional<CudaDevice> deviceByUuid(byte[] uuid) {
        for (CudaDevice d : devices()) {
            if (Arrays.equals(d.uuid(), uuid)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
