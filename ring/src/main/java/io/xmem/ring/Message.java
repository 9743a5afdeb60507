package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.internal.BufferPins;
import io.xmem.pool.internal.CheckedSegments;
import io.xmem.pool.internal.PoolAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A record as a handler sees it: either inline bytes in the ring's log, or a reference to a
 * pool buffer, which the handler <em>borrows</em> for the length of the callback (the ring's
 * pin keeps it alive; the subscriber takes no reference of its own). A flyweight reused for
 * every record: do not keep it past the callback.
 */
public final class Message {
    private MemorySegment bytes;
    /** {@code bytes} made read-only once, for {@link #segment()}; {@code readOnlySource} is what it was made from. */
    private MemorySegment readOnlyBytes;
    private MemorySegment readOnlySource;
    /** The pool's mapping made read-only once, for {@link #segment()}. */
    private MemorySegment readOnlyPool;
    /** The ring's pool; null for an inline-only ring. */
    private final BufferPins pins;
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
    /** With {@code -Dxmem.checkedSegments=true}: the scope of this delivery's segments, closed after it. */
    private Arena scope;

    Message(BufferPool bufferPool, BufferPins pins) {
        this.bufferPool = bufferPool;
        this.pins = pins;
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
     * Whether the record refers to a device (GPU) buffer: its bytes are reached through the
     * {@code xmem-cuda} module ({@code CudaPool.pointer(message)}), and {@link #segment()} refuses.
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

    /**
     * Where the payload starts in the referenced buffer (the offset the publisher gave); 0 for an
     * inline message. A handle from {@link #retain()} covers the whole buffer: the payload is
     * {@link #length()} bytes from here.
     */
    public long bufferOffset() {
        return inline ? 0 : offset;
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
     * The payload, read in place and read-only (others read the same bytes): a slice of the ring's
     * log, or of the referenced pool buffer (checked to be still pinned and long enough). Valid
     * during the callback only; with {@code -Dxmem.checkedSegments=true} a use after it fails. To
     * modify a referenced payload and pass it on, {@link #retain()} it and use the buffer's
     * {@code writableSegment()} once nobody else holds it.
     */
    public MemorySegment segment() {
        MemorySegment slice;
        if (inline) {
            slice = readOnlyBytes().asSlice(offset, length);
        } else {
            if (device) {
                resolve(); // a record whose token names a host buffer is damage, not a usage error
                throw new IllegalStateException("the message refers to a device buffer: use CudaPool (module "
                    + "xmem-cuda)");
            }
            if (resolved < 0) {
                resolved = resolve();
            }
            if (readOnlyPool == null) {
                readOnlyPool = pins.memory().asReadOnly();
            }
            slice = readOnlyPool.asSlice(resolved, length);
        }
        if (CheckedSegments.ENABLED) {
            if (scope == null) {
                scope = CheckedSegments.newScope();
            }
            slice = CheckedSegments.within(slice, scope).asReadOnly();
        }
        return slice; // one object per call: slices of views made read-only once
    }

    /** A read-only view of what inline payloads are read from (the log, or a copying subscription's buffer). */
    private MemorySegment readOnlyBytes() {
        if (bytes != readOnlySource) {
            readOnlySource = bytes;
            readOnlyBytes = bytes.asReadOnly();
        }
        return readOnlyBytes;
    }

    /** The delivery is over: with checked segments, every segment it handed out fails from now on. */
    void endDelivery() {
        if (scope != null) {
            Arena ended = scope;
            scope = null;
            ended.close();
        }
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
            return bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + at);
        }
        if (device) {
            resolve();
            throw new IllegalStateException("the message refers to a device buffer: read it on the GPU");
        }
        if (resolved < 0) {
            resolved = resolve();
        }
        return pins.memory().get(ValueLayout.JAVA_LONG_UNALIGNED, resolved + at);
    }

    /** File offset of a referenced payload in the pool, after checking the pin and the bounds. */
    private long resolve() {
        int sizeClass = pins.sizeClassOfToken(token);
        if (pins.isDeviceClass(sizeClass) != device) {
            throw new CorruptRingException("record at position " + position + " says a " + (device ? "device" : "host")
                + " buffer but its token names a " + (device ? "host" : "device") + " buffer: the ring was damaged");
        }
        long bufferLength = pins.pinnedLength(token, sizeClass);
        if (offset < 0 || length < 0 || offset > bufferLength - length) {
            throw new CorruptRingException("record at position " + position + " refers to bytes " + offset + ".."
                + (offset + length) + " of a buffer of " + bufferLength + ": the ring was damaged");
        }
        return pins.bufferOffset(token, sizeClass) + offset;
    }

    /**
     * A handle of its own on the referenced buffer, which outlives the callback (close it when
     * done). Only for buffer references: copy an inline message's bytes instead. Its
     * {@code segment()} is read-only, as the message's is; to modify the frame in place and pass it
     * on, wait until {@code buffer.isExclusive()} (this ring has let go of it once every subscriber
     * passed the record) and write through {@code buffer.writableSegment()}.
     *
     * <pre>{@code
     * List<Buffer> kept = new ArrayList<>();
     * sub.poll(m -> kept.add(m.retain()), 16);        // the records are passed when poll returns
     * for (Buffer frame : kept) {
     *     if (frame.isExclusive()) { mark(frame.writableSegment()); out.offer(frame); }
     *     frame.close();
     * }
     * }</pre>
     */
    public Buffer retain() {
        if (inline) {
            throw new IllegalStateException("an inline message has no buffer to retain: copy its bytes");
        }
        return PoolAccess.attachReadOnly(bufferPool, token);
    }

    @Override
    public String toString() {
        return inline ? "Message[inline, position=" + position + ", length=" + length + "]"
            : "Message[" + (device ? "device " : "") + "buffer 0x" + Long.toHexString(token) + ", position=" + position
                + ", length=" + length + "]";
    }
}
