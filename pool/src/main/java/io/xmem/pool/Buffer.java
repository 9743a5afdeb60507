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
    private boolean closed;

    Buffer(SharedPool pool, long token, long length, int sizeClass) {
        this.pool = pool;
        this.token = token;
        this.slot = SlotDescriptor.tokenSlot(token);
        this.sizeClass = sizeClass;
        this.offset = pool.bufferOffset(slot, sizeClass);
        this.length = length;
    }

    /** The buffer's bytes: exactly the length asked for at acquire, aligned as the pool says. */
    public MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
        return pool.file().asSlice(offset, length);
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
            pool.release(slot, SlotDescriptor.tokenGeneration(token), sizeClass);
        }
    }

    @Override
    public String toString() {
        return "Buffer[token=0x" + Long.toHexString(token) + ", length=" + length + (closed ? ", closed]" : "]");
    }
}
