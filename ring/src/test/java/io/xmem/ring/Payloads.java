package io.xmem.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The records of the cross-process ring tests, all derived from a sequence number so that a
 * subscriber in another process can check each one without being told what to expect.
 *
 * <ul>
 *   <li>inline record {@code s}: {@code 8 + s % 41} bytes, the sequence as a little-endian long,
 *       then filler bytes derived from it (so records of many lengths wrap the log);</li>
 *   <li>reference record {@code s} (every {@code refEvery}-th): a {@value #REF_SIZE}-byte pool
 *       buffer filled with words derived from {@code s}, published from offset
 *       {@code (s % 8) * 8} to its end, with {@code timestamp = timestamp(s)} and
 *       {@code tag = s}.</li>
 * </ul>
 */
final class Payloads {
    static final int REF_SIZE = 4096;
    static final int MAX_INLINE = 8 + 40;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private Payloads() {
    }

    static boolean isReference(long seq, int refEvery) {
        return refEvery > 0 && seq % refEvery == refEvery - 1;
    }

    static int inlineLength(long seq) {
        return 8 + (int) (seq % 41);
    }

    static long refOffset(long seq) {
        return (seq % 8) * 8;
    }

    static long timestamp(long seq) {
        return mix64(~seq);
    }

    /** What a subscriber adds up per record; compare with {@link #expectedChecksum}. */
    static long checksum(long seq) {
        return mix64(seq + 1);
    }

    static long expectedChecksum(long first, long count) {
        long sum = 0;
        for (long s = first; s < first + count; s++) {
            sum += checksum(s);
        }
        return sum;
    }

    static long word(long seq, long index) {
        return mix64(seq * 0x9E3779B97F4A7C15L + index);
    }

    private static byte filler(long seq, int i) {
        return (byte) (seq * 31 + i * 7 + 1);
    }

    /** Writes inline record {@code seq} at the start of {@code dst}; returns its length. */
    static int writeInline(MemorySegment dst, long seq) {
        int length = inlineLength(seq);
        dst.set(LONG, 0, seq);
        for (int i = 8; i < length; i++) {
            dst.set(ValueLayout.JAVA_BYTE, i, filler(seq, i));
        }
        return length;
    }

    /** Fills a whole reference buffer for {@code seq}. */
    static void fillBuffer(MemorySegment buffer, long seq) {
        long words = buffer.byteSize() / 8;
        for (long i = 0; i < words; i++) {
            buffer.set(LONG, i * 8, word(seq, i));
        }
    }

    /** Checks a whole buffer filled by {@link #fillBuffer}; null if intact, else what is wrong. */
    static String checkBuffer(MemorySegment buffer, long seq, long firstWord) {
        long words = buffer.byteSize() / 8;
        for (long i = 0; i < words; i++) {
            long got = buffer.get(LONG, i * 8);
            long want = word(seq, firstWord + i);
            if (got != want) {
                return "buffer of seq " + seq + " word " + (firstWord + i) + " is " + Long.toHexString(got)
                    + " not " + Long.toHexString(want);
            }
        }
        return null;
    }

    /** The sequence number a delivered record carries. */
    static long sequenceOf(Message m) {
        return m.isInline() ? m.segment().get(LONG, 0) : m.tag();
    }

    /** Checks a delivered record against its own sequence number; null if intact. */
    static String check(Message m, long seq, int refEvery) {
        if (isReference(seq, refEvery)) {
            if (m.isInline()) {
                return "seq " + seq + " should be a buffer reference but is inline";
            }
            if (m.timestamp() != timestamp(seq)) {
                return "seq " + seq + " has timestamp " + m.timestamp();
            }
            long offset = refOffset(seq);
            if (m.length() != REF_SIZE - offset) {
                return "seq " + seq + " has length " + m.length();
            }
            MemorySegment seg = m.segment();
            if (seg.byteSize() != REF_SIZE - offset) {
                return "seq " + seq + " segment of " + seg.byteSize() + " bytes";
            }
            return checkBuffer(seg, seq, offset / 8);
        }
        if (!m.isInline()) {
            return "seq " + seq + " should be inline but refers to a buffer";
        }
        MemorySegment seg = m.segment();
        if (seg.byteSize() != inlineLength(seq)) {
            return "inline seq " + seq + " has " + seg.byteSize() + " bytes, not " + inlineLength(seq);
        }
        for (int i = 8; i < seg.byteSize(); i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, i) != filler(seq, i)) {
                return "inline seq " + seq + " byte " + i + " is wrong (torn record?)";
            }
        }
        return null;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
