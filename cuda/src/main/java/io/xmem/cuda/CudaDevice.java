package io.xmem.cuda;

import io.xmem.cuda.internal.CudaDriver;

import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One GPU, with its primary context (the one context per device and process that every
 * library shares). {@link #makeCurrent()} binds it to the calling thread; every xmem call that
 * talks to the driver does so itself.
 */
public final class CudaDevice {
    private static final ConcurrentMap<Integer, CudaDevice> DEVICES = new ConcurrentHashMap<>();

    private final int ordinal;
    private final int handle;
    private final String name;
    private final byte[] uuid;
    private final long totalMemory;
    private final int major;
    private final int minor;
    private volatile long context;

    private CudaDevice(int ordinal) {
        this.ordinal = ordinal;
        this.handle = CudaDriver.device(ordinal);
        this.name = CudaDriver.deviceName(handle);
        this.uuid = CudaDriver.deviceUuid(handle);
        this.totalMemory = CudaDriver.deviceTotalMemory(handle);
        this.major = CudaDriver.deviceAttribute(handle, CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.minor = CudaDriver.deviceAttribute(handle, CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    }

    static CudaDevice of(int ordinal) {
        int count = CudaDriver.deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("no CUDA device " + ordinal + ": this process sees " + count);
        }
        return DEVICES.computeIfAbsent(ordinal, CudaDevice::new);
    }

    public int ordinal() {
        return ordinal;
    }

    public String name() {
        return name;
    }

    /** 16 bytes that name the device in every process, whatever their device numbering. */
    public byte[] uuid() {
        return uuid.clone();
    }

    public long totalMemory() {
        return totalMemory;
    }

    /** Compute capability as {@code major.minor}, e.g. {@code 9.0}. */
    public String computeCapability() {
        return major + "." + minor;
    }

    /**
     * Makes the device's primary context current on the calling thread (retaining it the first
     * time in this process) and returns the context handle.
     */
    public long makeCurrent() {
        long ctx = context;
        if (ctx == 0) {
            synchronized (this) {
                ctx = context;
                if (ctx == 0) {
                    ctx = CudaDriver.primaryContext(handle);
                    context = ctx;
                }
            }
        }
        CudaDriver.setCurrentContext(ctx);
        return ctx;
    }

    /** Waits for all work this process queued on the device. */
    public void synchronize() {
        makeCurrent();
        CudaDriver.synchronizeContext();
    }

    @Override
    public String toString() {
        return "CudaDevice[" + ordinal + ": " + name + ", " + computeCapability() + ", "
            + String.format("%.1f GiB", totalMemory / (double) (1L << 30)) + ", GPU-"
            + HexFormat.of().formatHex(uuid, 0, 4) + "...]";
    }
}
