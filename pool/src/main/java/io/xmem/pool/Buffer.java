package io.xmem.pool;

import io.xmem.pool.internal.CheckedSegments;
import io.xmem.pool.internal.SlotDescriptor;
import io.xmem.pool.internal.SlotReferences;

import java.lang.foreign.Arena;
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
    /** False for a handle a ring subscriber took on a received message: what others read too stays read-only. */
    private final boolean owner;
    private boolean closed;
    /** With {@code -Dxmem.checkedSegments=true}: the scope of this handle's segments, closed with it. */
    private Arena scope;
    /** Work that must end before the reference does (GPU work on a device buffer); null if none. */
    private Runnable beforeRelease;

    Buffer(SlotReferences refs, long poolId, long token, long length, int sizeClass, boolean owner) {
        this.owner = owner;
        this.refs = refs;
        this.poolId = poolId;
        this.token = token;
        this.slot = SlotDescriptor.tokenSlot(token);
        this.sizeClass = sizeClass;
        this.offset = refs.layout().bufferOffset(slot, sizeClass);
        this.length = length;
        this.device = refs.layout().device[sizeClass];
    }

    /**
     * The buffer's bytes: exactly the length asked for at acquire, aligned as the pool says.
     * Read-only on a handle a ring subscriber took on a received message ({@code message.retain()}
     * and its retains): others read the same frame, and {@link #writableSegment()} writes to it
     * once nobody else can see it. Writable on every other handle ({@code acquire},
     * {@code attach}): the producer fills its buffer, and processes that share a buffer on
     * purpose (a mailbox) write to it.
     */
    public MemorySegment segment() {
        MemorySegment bytes = bytes();
        return owner ? bytes : bytes.asReadOnly();
    }

    /**
     * The buffer's bytes, writable, when this handle is the only reference to the buffer in any
     * process and no ring record pins it ({@link #isExclusive()}): a receiver that modifies a frame
     * in place and forwards it ({@code publication.offer(buffer)} on another ring of the pool)
     * without a copy. {@link XmemException} saying who else holds it otherwise.
     */
    public MemorySegment writableSegment() {
        MemorySegment bytes = bytes();
        String others = refs.othersHolding(slot, SlotDescriptor.tokenGeneration(token));
        if (others != null) {
            throw new XmemException("buffer 0x" + Long.toHexString(token) + " is not this handle's alone: " + others
                + "; read it through segment(), or wait until the others let go (isExclusive())");
        }
        return bytes;
    }

    /**
     * Whether this handle is the only reference to the buffer in any process and no ring record
     * pins it: then nobody else can see what is written to it.
     */
    public boolean isExclusive() {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
        return refs.othersHolding(slot, SlotDescriptor.tokenGeneration(token)) == null;
    }

    private MemorySegment bytes() {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
        if (device) {
            throw new IllegalStateException("a device buffer's bytes are on the GPU: use CudaPool (module xmem-cuda)");
        }
        MemorySegment bytes = refs.memory().asSlice(offset, length);
        if (CheckedSegments.ENABLED) {
            if (scope == null) {
                scope = CheckedSegments.newScope();
            }
            return CheckedSegments.within(bytes, scope);
        }
        return bytes;
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
        return new Buffer(refs, poolId, token, length, sizeClass, owner);
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

    boolean hasWorkBeforeRelease() {
        return beforeRelease != null;
    }

    /** A ring took this handle's reference over as its pin (a send): closed, nothing to release. */
    void endHandedOver() {
        closed = true;
        if (scope != null) {
            scope.close();
        }
    }

    /** Drops this handle's reference; the buffer is free once every holder everywhere has. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scope != null) {
            scope.close(); // checked segments: any use of this handle's segments fails from now on
        }
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
