package io.xmem.archive.internal;

import io.xmem.pool.XmemException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.xmem.archive.internal.MarkerDescriptor.*;

/** Writes the bodies of a recording's markers ({@link MarkerDescriptor}); a recorder sends few: each is new. */
public final class Markers {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private Markers() {
    }

    /** Off-heap and zeroed: the sender copies from native memory only. */
    private static MemorySegment body(int length) {
        return Arena.ofAuto().allocate(length, Long.BYTES);
    }

    public static MemorySegment start(String ring, boolean lossy, long capacity, long joinedAt, long startNanos) {
        byte[] name = ring.getBytes(StandardCharsets.UTF_8);
        if (name.length < 1 || name.length > MAX_NAME_LENGTH) {
            throw new XmemException("ring name '" + ring + "' is not 1.." + MAX_NAME_LENGTH + " bytes");
        }
        MemorySegment body = body(START_NAME_OFFSET + name.length);
        body.set(INT, START_VERSION_OFFSET, VERSION);
        body.set(INT, START_RING_FLAGS_OFFSET, lossy ? RING_FLAG_LOSSY : 0);
        body.set(LONG, START_CAPACITY_OFFSET, capacity);
        body.set(LONG, START_JOINED_AT_OFFSET, joinedAt);
        body.set(LONG, START_PID_OFFSET, ProcessHandle.current().pid());
        body.set(LONG, START_TIME_OFFSET, startNanos);
        body.set(INT, START_NAME_LENGTH_OFFSET, name.length);
        MemorySegment.copy(MemorySegment.ofArray(name), 0, body, START_NAME_OFFSET, name.length);
        return body;
    }

    public static MemorySegment loss(long count, int reason) {
        MemorySegment body = body(LOSS_LENGTH);
        body.set(LONG, LOSS_COUNT_OFFSET, count);
        body.set(INT, LOSS_REASON_OFFSET, reason);
        return body;
    }

    public static MemorySegment end(long records, long bytes, long missing, long first, long last, long stopNanos) {
        MemorySegment body = body(END_LENGTH);
        body.set(LONG, END_RECORDS_OFFSET, records);
        body.set(LONG, END_BYTES_OFFSET, bytes);
        body.set(LONG, END_MISSING_OFFSET, missing);
        body.set(LONG, END_FIRST_OFFSET, first);
        body.set(LONG, END_LAST_OFFSET, last);
        body.set(LONG, END_TIME_OFFSET, stopNanos);
        return body;
    }
}
