package io.xmem.pool;

import io.xmem.pool.internal.SlotDescriptor;
import io.xmem.pool.internal.SlotReferences;

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
 * <p>A buffer of a device (GPU) size class has no host bytes: {@link #isDevice()} says so,
 * {@link #segment()} refuses, and its memory is reached through the {@code xmem-cuda} module
 * ({@code io.xmem.cuda.CudaPool}).
 *
 * <p>A handle is meant for one thread at a time; give another thread its own with
 * {@link #retain()}. Closing twice is harmless. After the pool is closed, the buffer's memory
 * is unmapped and {@link #segment()} fails rather than reading freed memory.
 */
public final class Buffer implements AutoCloseable {
    private final SlotReferences refs;
    private final long poolId;
    private final int slot;
    private final long token;
    private final long offset;
    private final long length;
    private final int sizeClass;
    private final boolean device;
    private boolean closed;
    /** Work that must end before the reference does (GPU work on a device buffer); null if none. */
    private Runnable beforeRelease;

    Buffer(SlotReferences refs, long poolId, long token, long length, int sizeClass) {
        this.refs = refs;
        this.poolId = poolId;
        this.token = token;
        this.slot = SlotDescriptor.tokenSlot(token);
        this.sizeClass = sizeClass;
        this.offset = refs.layout().bufferOffset(slot, sizeClass);
        this.length = length;
        this.device = refs.layout().device[sizeClass];
    }

    /** The buffer's bytes: exactly the length asked for at acquire, aligned as the pool says. */
    public MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
        if (device) {
            throw new IllegalStateException("a device buffer's bytes are on the GPU: use CudaPool (module xmem-cuda)");
        }
        return refs.memory().asSlice(offset, length);
    }

    /** Whether the buffer is GPU memory (a device size class). */
    public boolean isDevice() {
        return device;
    }

    /** The name of this buffer in every process that opens the pool; 64 bits. */
    public long token() {
        return token;
    }

    /** The id of the pool this buffer belongs to ({@link BufferPool#id()}). */
    public long poolId() {
        return poolId;
    }

    /** Bytes asked for at acquire. */
    public long length() {
        return length;
    }

    /** Bytes the buffer's size class holds (≥ {@link #length()}). */
    public long capacity() {
        return refs.layout().bufferSize[sizeClass];
    }

    /** A new handle on the same buffer: one more reference, closed on its own. */
    public Buffer retain() {
        if (closed) {
            throw new IllegalStateException("buffer closed: retain() needs an open handle");
        }
        refs.retain(slot, SlotDescriptor.tokenGeneration(token));
        return new Buffer(refs, poolId, token, length, sizeClass);
    }

    public boolean isClosed() {
        return closed;
    }

    int slot() {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
        return slot;
    }

    void beforeRelease(Runnable action) {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
        beforeRelease = action;
    }

    /** Drops this handle's reference; the buffer is free once every holder everywhere has. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!refs.isClosed()) {
            Runnable pending = beforeRelease;
            if (pending != null) {
                beforeRelease = null;
                pending.run(); // GPU work on the buffer ends before the reference does
            }
            refs.release(slot, SlotDescriptor.tokenGeneration(token), sizeClass);
        }
    }

    @Override
    public String toString() {
        return "Buffer[" + (device ? "device, " : "") + "token=0x" + Long.toHexString(token) + ", length=" + length
            + (closed ? ", closed]" : "]");
    }
}
