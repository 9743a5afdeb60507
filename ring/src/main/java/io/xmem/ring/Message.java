package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.internal.SharedPool;
import io.xmem.pool.internal.SlotDescriptor;

import java.lang.foreign.MemorySegment;

/**
 * A record as a handler sees it: either inline bytes in the ring's log, or a reference to a
 * pool buffer, which the handler <em>borrows</em> for the length of the callback (the ring's
 * pin keeps it alive; the subscriber takes no reference of its own). A flyweight reused for
 * every record: do not keep it past the callback.
 */
public final class Message {
    private MemorySegment bytes;
    private final SharedPool pool;
    private final BufferPool bufferPool;
    private boolean inline;
    private boolean device;
    private long position;
    private long offset;
    private long length;
    private long token;
    private long timestamp;
    private long tag;
    /** The record's sequence number in the ring; set by the subscription before delivery. */
    private long sequence;
    /** Referenced payload's file offset in the pool, once checked; -1 until then. */
    private long resolved = -1;

    Message(BufferPool bufferPool, SharedPool pool) {
        this.bufferPool = bufferPool;
        this.pool = pool;
    }

    void wrapInline(long position, MemorySegment bytes, long offset, long length) {
        this.inline = true;
        this.device = false;
        this.bytes = bytes;
        this.resolved = -1;
        this.position = position;
        this.offset = offset;
        this.length = length;
        this.token = 0;
        this.timestamp = 0;
        this.tag = 0;
    }

    void wrapReference(long position, boolean device, long token, long offset, long length, long timestamp, long tag) {
        this.inline = false;
        this.device = device;
        this.resolved = -1;
        this.position = position;
        this.token = token;
        this.offset = offset;
        this.length = length;
        this.timestamp = timestamp;
        this.tag = tag;
    }

    /** Whether the bytes are inline in the ring (true) or in a pool buffer (false). */
    public boolean isInline() {
        return inline;
    }

    /**
     * Whether the record refers to a device (GPU) buffer: its bytes are reached through
     * {@link #devicePointer()}, and {@link #segment()} refuses.
     */
    public boolean isDevice() {
        return device;
    }

    /** The record's position in the ring's stream. */
    public long position() {
        return position;
    }

    /** The payload's length in bytes. */
    public long length() {
        return length;
    }

    /** The referenced buffer's token; 0 for an inline message. */
    public long token() {
        return token;
    }

    /** The publisher's first user value of a buffer reference (e.g. a timestamp); 0 inline. */
    public long timestamp() {
        return timestamp;
    }

    /** The publisher's second user value of a buffer reference (e.g. a frame number); 0 inline. */
    public long tag() {
        return tag;
    }

    /**
     * The record's sequence number in the ring: 0, 1, 2... over every record ever published to it.
     * Consecutive in a reliable ring; a lossy ring's gaps are the records this subscription lost.
     */
    public long sequence() {
        return sequence;
    }

    void sequence(long sequence) {
        this.sequence = sequence;
    }

    /**
     * The payload, read in place: a slice of the ring's log, or of the referenced pool buffer
     * (checked to be still pinned and long enough). Valid during the callback only.
     */
    public MemorySegment segment() {
        if (inline) {
            return bytes.asSlice(offset, length);
        }
        if (device) {
            resolve(); // a record whose token names a host buffer is damage, not a usage error
            throw new IllegalStateException("the message refers to a device buffer: use devicePointer()");
        }
        if (resolved < 0) {
            resolved = resolve();
        }
        return pool.file().asSlice(resolved, length);
    }

    /**
     * Reads a little-endian long at {@code at} bytes into the payload without creating a
     * segment: allocation-free, for hot loops. Bounds-checked against the payload.
     */
    public long getLong(long at) {
        if (at < 0 || at > length - Long.BYTES) {
            throw new IndexOutOfBoundsException("getLong(" + at + ") outside a payload of " + length + " bytes");
        }
        if (inline) {
            return bytes.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, offset + at);
        }
        if (device) {
            resolve();
            throw new IllegalStateException("the message refers to a device buffer: read it on the GPU");
        }
        if (resolved < 0) {
            resolved = resolve();
        }
        return pool.file().get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, resolved + at);
    }

    /**
     * The device address of the payload (the referenced device buffer's address in this
     * process's CUDA context, plus the record's offset). Order reads after the producer's work
     * through a handle: {@code retain()} then {@code Buffer.waitReady(stream)}.
     */
    public long devicePointer() {
        if (!device) {
            throw new IllegalStateException(inline ? "an inline message has no device pointer"
                : "the message refers to a host buffer: use segment()");
        }
        if (resolved < 0) {
            resolved = resolve(); // checks the pin, the kind and the bounds
        }
        return pool.deviceSlots.pointer(SlotDescriptor.tokenSlot(token), pool.sizeClassOfToken(token)) + offset;
    }

    /** File offset of a referenced payload in the pool, after checking the pin and the bounds. */
    private long resolve() {
        int sizeClass = pool.sizeClassOfToken(token);
        if (pool.layout.device[sizeClass] != device) {
            throw new CorruptRingException("record at position " + position + " says a " + (device ? "device" : "host")
                + " buffer but its token names a " + (device ? "host" : "device") + " buffer: the ring was damaged");
        }
        long bufferLength = pool.pinnedLength(token, sizeClass);
        if (offset < 0 || length < 0 || offset > bufferLength - length) {
            throw new CorruptRingException("record at position " + position + " refers to bytes " + offset + ".."
                + (offset + length) + " of a buffer of " + bufferLength + ": the ring was damaged");
        }
        return pool.bufferOffset(SlotDescriptor.tokenSlot(token), sizeClass) + offset;
    }

    /**
     * A handle of its own on the referenced buffer, which outlives the callback (close it when
     * done). Only for buffer references: copy an inline message's bytes instead.
     */
    public Buffer retain() {
        if (inline) {
            throw new IllegalStateException("an inline message has no buffer to retain: copy its bytes");
        }
        return bufferPool.attach(token);
    }

    @Override
    public String toString() {
        return inline ? "Message[inline, position=" + position + ", length=" + length + "]"
            : "Message[" + (device ? "device " : "") + "buffer 0x" + Long.toHexString(token) + ", position=" + position + ", length=" + length + "]";
    }
}
