package io.xmem.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Room for one inline record in a ring's log, claimed by {@link Publication#tryClaim(int,
 * RecordClaim)} and written in place: a flyweight the caller keeps and reuses, so a claim makes
 * no object (Aeron's {@code BufferClaim} is the model). Writes are bounds-checked against the
 * claimed length; nothing is visible to subscribers until {@link #commit()}.
 *
 * <pre>{@code
 * RecordClaim claim = new RecordClaim();
 * while (running) {
 *     if (pub.tryClaim(16, claim) > 0) {
 *         claim.putLong(0, price).putLong(8, quantity).commit();
 *     }
 * }
 * }</pre>
 *
 * <p>For the thread that claimed, until it commits or aborts.
 */
public final class RecordClaim {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private Publication owner;
    private MemorySegment file;
    private long offset;
    private int length;
    private long position;

    void wrap(Publication owner, MemorySegment file, long offset, int length, long position) {
        this.owner = owner;
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.position = position;
    }

    /** Whether a claim is open on this flyweight. */
    public boolean isOpen() {
        return owner != null;
    }

    /** Bytes claimed: the message's length. */
    public int length() {
        requireOpen();
        return length;
    }

    public RecordClaim putByte(int index, byte value) {
        file.set(ValueLayout.JAVA_BYTE, at(index, Byte.BYTES), value);
        return this;
    }

    public RecordClaim putShort(int index, short value) {
        file.set(SHORT, at(index, Short.BYTES), value);
        return this;
    }

    public RecordClaim putInt(int index, int value) {
        file.set(INT, at(index, Integer.BYTES), value);
        return this;
    }

    public RecordClaim putLong(int index, long value) {
        file.set(LONG, at(index, Long.BYTES), value);
        return this;
    }

    public RecordClaim putFloat(int index, float value) {
        file.set(FLOAT, at(index, Float.BYTES), value);
        return this;
    }

    public RecordClaim putDouble(int index, double value) {
        file.set(DOUBLE, at(index, Double.BYTES), value);
        return this;
    }

    /** Copies {@code count} bytes of {@code src} from {@code srcOffset} to {@code index}. */
    public RecordClaim putBytes(int index, byte[] src, int srcOffset, int count) {
        MemorySegment.copy(src, srcOffset, file, ValueLayout.JAVA_BYTE, at(index, count), count);
        return this;
    }

    /** Copies {@code count} bytes of {@code src} from {@code srcOffset} to {@code index}. */
    public RecordClaim putBytes(int index, MemorySegment src, long srcOffset, int count) {
        MemorySegment.copy(src, srcOffset, file, at(index, count), count);
        return this;
    }

    /** The claimed bytes as a segment: a slice, so an object per call; the put methods make none. */
    public MemorySegment segment() {
        requireOpen();
        return file.asSlice(offset, length);
    }

    /** Publishes the record; returns the new stream position. */
    public long commit() {
        Publication p = requireOpen();
        owner = null;
        return p.commitClaim(position, length);
    }

    /** Gives the room back, publishing nothing (the next record goes to the same position). */
    public void abort() {
        Publication p = requireOpen();
        owner = null;
        p.abortClaim();
    }

    private long at(int index, int size) {
        requireOpen();
        return offset + Objects.checkFromIndexSize(index, size, length);
    }

    private Publication requireOpen() {
        Publication p = owner;
        if (p == null) {
            throw new IllegalStateException("no claim is open");
        }
        return p;
    }
}
