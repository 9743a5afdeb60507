package io.xmem.cuda;

import io.xmem.cuda.internal.CudaDriver;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Device memory owned by this process alone ({@code cuMemAlloc}): scratch space, and the
 * copying baseline the examples compare pool device buffers with. Shared device memory comes
 * from a pool's device size classes instead.
 */
public final class CudaMemory implements AutoCloseable {
    private final CudaDevice device;
    private final long pointer;
    private final long bytes;
    private boolean closed;

    private CudaMemory(CudaDevice device, long pointer, long bytes) {
        this.device = device;
        this.pointer = pointer;
        this.bytes = bytes;
    }

    public static CudaMemory allocate(CudaDevice device, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device allocation must be positive, was " + bytes);
        }
        device.makeCurrent();
        return new CudaMemory(device, CudaDriver.memAlloc(bytes), bytes);
    }

    public long pointer() {
        ensureOpen();
        return pointer;
    }

    public long bytes() {
        return bytes;
    }

    public CudaDevice device() {
        return device;
    }

    /** Copies {@code host} (at most {@link #bytes()}) to the start of this memory; synchronous. */
    public void copyFrom(MemorySegment host) {
        checkSize(host);
        device.makeCurrent();
        CudaDriver.copyHostToDevice(pointer, host, host.byteSize());
    }

    /** Copies the first {@code host.byteSize()} bytes of this memory into {@code host}; synchronous. */
    public void copyTo(MemorySegment host) {
        checkSize(host);
        device.makeCurrent();
        CudaDriver.copyDeviceToHost(host, pointer, host.byteSize());
    }

    /** Queues a copy of {@code host} to this memory on {@code stream}. */
    public void copyFromAsync(MemorySegment host, CudaStream stream) {
        checkSize(host);
        device.makeCurrent();
        CudaDriver.copyHostToDeviceAsync(pointer, host, host.byteSize(), stream.handle());
    }

    /** Queues a copy of this memory into {@code host} on {@code stream}. */
    public void copyToAsync(MemorySegment host, CudaStream stream) {
        checkSize(host);
        device.makeCurrent();
        CudaDriver.copyDeviceToHostAsync(host, pointer, host.byteSize(), stream.handle());
    }

    private void checkSize(MemorySegment host) {
        ensureOpen();
        Objects.requireNonNull(host, "host");
        if (host.byteSize() > bytes) {
            throw new IndexOutOfBoundsException("copy of " + host.byteSize() + " bytes into device memory of " + bytes);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("device memory freed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            device.makeCurrent();
            CudaDriver.memFree(pointer);
        }
    }
}
