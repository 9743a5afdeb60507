package io.xmem.examples;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The market-data example's quote, sent inline (48 bytes, little-endian):
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |              sequence (u64): 0, 1, 2, ... per feed               |
 *  +---------------------------------------------------------------+  8
 *  |          send time (u64): System.nanoTime() at publish          |
 *  +---------------------------------------------------------------+ 16
 *  |     instrument (u32)             |  flags (u32): 1 = END        |
 *  +---------------------------------------------------------------+ 24
 *  |                 bid (i64, price in ticks)                       |
 *  +---------------------------------------------------------------+ 32
 *  |                 ask (i64, price in ticks)                       |
 *  +---------------------------------------------------------------+ 40
 *  |     bid size (u32)               |     ask size (u32)           |
 *  +---------------------------------------------------------------+ 48
 * </pre>
 * The END quote carries the number of quotes published in its sequence field.
 */
final class QuoteDescriptor {
    static final int LENGTH = 48;

    static final int SEQUENCE_OFFSET = 0;
    static final int SEND_TIME_OFFSET = 8;
    static final int INSTRUMENT_OFFSET = 16;
    static final int FLAGS_OFFSET = 20;
    static final int BID_OFFSET = 24;
    static final int ASK_OFFSET = 32;
    static final int BID_SIZE_OFFSET = 40;
    static final int ASK_SIZE_OFFSET = 44;

    static final int FLAG_END = 1;

    private QuoteDescriptor() {
    }

    /**
     * Writes END marker number {@code marker} into {@code quote}: {@code count} quotes were
     * published before it. The feed repeats the marker; a strategy counts the first it sees.
     */
    static void writeEnd(MemorySegment quote, long count, int marker) {
        quote.set(ValueLayout.JAVA_LONG, SEQUENCE_OFFSET, count);
        quote.set(ValueLayout.JAVA_INT, FLAGS_OFFSET, FLAG_END);
        quote.set(ValueLayout.JAVA_INT, INSTRUMENT_OFFSET, marker);
    }
}
