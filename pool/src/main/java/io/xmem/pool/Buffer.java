package io.xmem.pool;

import io.xmem.pool.internal.SharedPool;
import io.xmem.pool.internal.SlotDescriptor;

import java.lang.foreign.MemorySegment;

/**
 * A handle on one pool buffer: one reference, held until {@link #close()}. While any handle on
 * a buffer is open anywhere, the buffer is not reused. Pass the buffer to another process by
 * its {@link #token()}; the receiver {@linkplain BufferPool#attach attaches} to get its own
 * handle.
 *
 * <pre>{@code
 * try (Buffer frame = pool.acquire(6_220_800)) {
 *     render(frame.segment());
 *     send(frame.token());          // the receiver attaches before we close
 *     Buffer keep = frame.retain(); // a second, independent handle
 * }
 * }</pre>
 *
 * <p><b>Device buffers</b> (from a pool's device size classes, {@link BufferPool#acquireDevice})
 * live on the GPU: {@link #devicePointer()} gives their address in this process's CUDA context
 * and {@link #segment()} refuses. Order GPU work across processes with the buffer's
 * interprocess event: the producer calls {@link #recordReady} after queueing its kernel or
 * copy, the consumer calls {@link #waitReady} before queueing work that reads. Closing a handle
 * on which either was called first waits for that stream's work, so a buffer is never recycled
 * while a kernel still uses it.
 *
 * <pre>{@code
 * // producer                                  // consumer (another process)
 * Buffer f = pool.acquireDevice(bytes);        Buffer f = pool.attach(token);
 * render(f.devicePointer(), stream);           f.waitReady(stream);
 * f.recordReady(stream);                       inspect(f.devicePointer(), stream);
 * publish(f.token()); f.close();               f.close(); // waits for inspect
 * }</pre>
 *
 * <p>A handle is meant for one thread at a time; give another thread its own with
 * {@link #retain()}. Closing twice is harmless. After the pool is closed, the buffer's memory
 * is unmapped and {@link #segment()} fails rather than reading freed memory.
 */
public final class Buffer implements AutoCloseable {
    private final SharedPool pool;
    private final int slot;
    private final long token;
    private final long offset;
    private final long length;
    private final int sizeClass;
    private final boolean device;
    private boolean closed;
    /** The stream whose work must finish before this handle's reference is dropped (device buffers). */
    private io.xmem.pool.cuda.CudaStream pending;

    Buffer(SharedPool pool, long token, long length, int sizeClass) {
        this.pool = pool;
        this.token = token;
        this.slot = SlotDescriptor.tokenSlot(token);
        this.sizeClass = sizeClass;
        this.offset = pool.bufferOffset(slot, sizeClass);
        this.length = length;
        this.device = pool.layout.device[sizeClass];
    }

    /** The buffer's bytes: exactly the length asked for at acquire, aligned as the pool says. */
    public MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
        if (device) {
            throw new IllegalStateException("a device buffer's bytes are on the GPU: use devicePointer()");
        }
        return pool.file().asSlice(offset, length);
    }

    /** Whether the buffer is GPU memory (a device size class). */
    public boolean isDevice() {
        return device;
    }

    /**
     * The buffer's device address in this process's CUDA context (the pool's device's primary
     * context); mapped through CUDA IPC the first time this process uses the slot, then cached.
     * {@link IllegalStateException} for a host buffer.
     */
    public long devicePointer() {
        checkDevice();
        return pool.deviceSlots.pointer(slot, sizeClass);
    }

    /**
     * Producer side: records the buffer's interprocess event on {@code stream}, after the work
     * already queued there (the kernel or copy that filled the buffer). A consumer in any
     * process that calls {@link #waitReady} afterwards runs its work after that.
     */
    public void recordReady(io.xmem.pool.cuda.CudaStream stream) {
        checkDevice();
        pool.deviceSlots.recordReady(slot, sizeClass, stream);
        pending = stream;
    }

    /**
     * Consumer side: makes {@code stream}'s later work wait until the work the last
     * {@link #recordReady} covered has finished. Asynchronous: the calling thread does not wait.
     * Closing this handle waits for {@code stream}'s work, so the buffer cannot be recycled
     * under a running kernel.
     */
    public void waitReady(io.xmem.pool.cuda.CudaStream stream) {
        checkDevice();
        pool.deviceSlots.waitReady(slot, sizeClass, stream);
        pending = stream;
    }

    private void checkDevice() {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
        if (!device) {
            throw new IllegalStateException("a host buffer has no device pointer: use segment()");
        }
    }

    /** The name of this buffer in every process that opens the pool; 64 bits. */
    public long token() {
        return token;
    }

    /** The id of the pool this buffer belongs to ({@link BufferPool#id()}). */
    public long poolId() {
        return pool.poolId;
    }

    /** Bytes asked for at acquire. */
    public long length() {
        return length;
    }

    /** Bytes the buffer's size class holds (≥ {@link #length()}). */
    public long capacity() {
        return pool.layout.bufferSize[sizeClass];
    }

    /** A new handle on the same buffer: one more reference, closed on its own. */
    public Buffer retain() {
        if (closed) {
            throw new IllegalStateException("buffer closed: retain() needs an open handle");
        }
        pool.retain(slot, SlotDescriptor.tokenGeneration(token));
        return new Buffer(pool, token, length, sizeClass);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Drops this handle's reference; the buffer is free once every holder everywhere has. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!pool.isClosed()) {
            io.xmem.pool.cuda.CudaStream stream = pending;
            if (stream != null) {
                pending = null;
                stream.synchronizeIfOpen(); // GPU work on the buffer ends before the reference does
            }
            pool.release(slot, SlotDescriptor.tokenGeneration(token), sizeClass);
        }
    }

    @Override
    public String toString() {
        return "Buffer[" + (device ? "device, " : "") + "token=0x" + Long.toHexString(token) + ", length=" + length
            + (closed ? ", closed]" : "]");
    }
}
