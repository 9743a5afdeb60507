package io.xmem.ring.internal;

import io.xmem.ring.CorruptRingException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.xmem.ring.internal.RecordDescriptor.*;

/**
 * Flyweight over a ring's record log ({@link RecordDescriptor}): where the record at a position
 * lies, its commit word (stored with release as the record's last store, loaded with acquire by
 * readers) and its plain fields, written before the commit and read after it.
 */
public final class RecordLog {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();

    private final MemorySegment file;
    private final String ringName;
    private final long logOffset;
    private final int capacity;
    private final int mask;

    public RecordLog(MemorySegment file, RingLayout layout, String ringName) {
        this.file = file;
        this.ringName = ringName;
        this.logOffset = layout.logOffset();
        this.capacity = layout.capacity();
        this.mask = capacity - 1;
    }

    /** The whole mapped ring file; records' bytes are at {@link #recordAt} offsets in it. */
    public MemorySegment file() {
        return file;
    }

    public int capacity() {
        return capacity;
    }

    /** The offset of {@code position} within the log (0 .. capacity - 1). */
    public int offsetInLog(long position) {
        return (int) (position & mask);
    }

    /** File offset of the record at {@code position}. */
    public long recordAt(long position) {
        return logOffset + (position & mask);
    }

    public long commitAcquire(long record) {
        return (long) LONG.getAcquire(file, record + COMMIT_OFFSET);
    }

    /**
     * Writes length, type and sequence, then the commit word with release: the record becomes
     * visible, whole.
     */
    public void commit(long record, long position, int length, int type, long sequence) {
        // Readers will wait next at position + aligned(length). That place may hold an earlier
        // lap's payload, which could spell that very position: void it before this commit makes
        // anyone wait there (the release store below orders it first).
        LONG.set(file, recordAt(position + aligned(length)) + COMMIT_OFFSET, -1L);
        file.set(ValueLayout.JAVA_LONG, record + LENGTH_OFFSET, lengthAndType(length, type)); // one store for both
        file.set(ValueLayout.JAVA_LONG, record + SEQUENCE_OFFSET, sequence);
        LONG.setRelease(file, record + COMMIT_OFFSET, position);
    }

    public int lengthPlain(long record) {
        return file.get(ValueLayout.JAVA_INT, record + LENGTH_OFFSET);
    }

    public int typePlain(long record) {
        return file.get(ValueLayout.JAVA_INT, record + TYPE_OFFSET);
    }

    /**
     * Length and type in one 8-byte load (they are adjacent, length first, little-endian): the
     * reader's hot path takes both with one instruction. Split with {@link #length(long)} and
     * {@link #type(long)}.
     */
    public long lengthAndTypePlain(long record) {
        return file.get(ValueLayout.JAVA_LONG, record + LENGTH_OFFSET);
    }

    public static int length(long lengthAndType) {
        return (int) lengthAndType;
    }

    public static int type(long lengthAndType) {
        return (int) (lengthAndType >>> 32);
    }

    private static long lengthAndType(int length, int type) {
        return (length & 0xFFFF_FFFFL) | ((long) type << 32);
    }

    public long sequencePlain(long record) {
        return file.get(ValueLayout.JAVA_LONG, record + SEQUENCE_OFFSET);
    }

    /** A field of a reference record's body, e.g. {@link RecordDescriptor#REF_TOKEN_OFFSET}. */
    public long referencePlain(long record, int fieldOffset) {
        return file.get(ValueLayout.JAVA_LONG, record + fieldOffset);
    }

    /** Writes a reference record's body; the commit that follows publishes it. */
    public void reference(long record, long token, long offset, long length, long timestamp, long tag) {
        file.set(ValueLayout.JAVA_LONG, record + REF_TOKEN_OFFSET, token);
        file.set(ValueLayout.JAVA_LONG, record + REF_OFFSET_OFFSET, offset);
        file.set(ValueLayout.JAVA_LONG, record + REF_LENGTH_OFFSET, length);
        file.set(ValueLayout.JAVA_LONG, record + REF_TIMESTAMP_OFFSET, timestamp);
        file.set(ValueLayout.JAVA_LONG, record + REF_TAG_OFFSET, tag);
    }

    /**
     * A position read from the file (a tail, the release position), checked before it addresses
     * anything: a record boundary is never negative and always a multiple of {@value
     * RecordDescriptor#ALIGNMENT}, so a whole header fits before the log's end.
     */
    public long checkedPosition(long position, String what) {
        if (position < 0 || (position & (ALIGNMENT - 1)) != 0) {
            throw new CorruptRingException("ring '" + ringName + "': its " + what + " is " + position
                + ", not a record boundary (a multiple of " + ALIGNMENT + "); the ring was damaged");
        }
        return position;
    }

    /** Whether a record of {@code length} bytes at {@code position} fits before the log's end (no overflow). */
    public boolean fits(long position, int length) {
        return length >= HEADER_LENGTH && (position & mask) + ((length
            + (long) ALIGNMENT - 1) & -ALIGNMENT) <= capacity;
    }

    /** The record's length, validated against the log: it must fit before the log's end. */
    public int checkedLength(long record, long position) {
        int length = lengthPlain(record);
        if (!fits(position, length)) {
            throw new CorruptRingException("ring '" + ringName + "': record at position " + position + " has length "
                + length + ", which does not fit the log; the ring was damaged");
        }
        return length;
    }
}
