package io.xmem.tools;

import io.xmem.ring.Message;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The inline record that ends a frame stream: {@link #MAGIC}, then how many records came before
 * it. {@code examples/python/xmem_ring_reader.py} knows it as {@code VIDEO_END}.
 *
 * <pre>
 *   0               8               16
 *  +---------------+---------------+
 *  | MAGIC (i64)   | records (i64) |
 *  +---------------+---------------+
 * </pre>
 */
public final class EndOfStream {
    /** "VIDEOEND" as a little-endian long: no sequence number reaches it. */
    public static final long MAGIC = 0x444E454F45444956L;
    public static final int LENGTH = 16;

    private EndOfStream() {
    }

    /** The end record after {@code records} records. */
    public static MemorySegment of(long records) {
        return MemorySegment.ofArray(new long[] {MAGIC, records});
    }

    /** How many records came before, if {@code message} is the end record; else -1. */
    public static long records(Message message) {
        if (!message.isInline() || message.length() != LENGTH) {
            return -1;
        }
        MemorySegment bytes = message.segment();
        boolean end = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) == MAGIC;
        return end ? bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, Long.BYTES) : -1;
    }
}
