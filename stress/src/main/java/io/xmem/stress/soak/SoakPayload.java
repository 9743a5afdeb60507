package io.xmem.stress.soak;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What every soak record carries, so that a subscriber can judge each one alone: the publisher's
 * id and the record's number in its first 16 bytes, then bytes that follow from those two (an
 * xorshift sequence seeded by them), up to the record's length. A record torn, overwritten by
 * another, or a buffer reused under a reader fails {@link #check}; a repeated or missing number is
 * a duplicate or a loss.
 */
final class SoakPayload {
    /** Publisher id and record number. */
    static final int HEADER = 16;

    private SoakPayload() {
    }

    /** Writes record {@code sequence} of publisher {@code id} over all of {@code bytes} (at least 16 long). */
    static void fill(MemorySegment bytes, long id, long sequence) {
        bytes.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, id);
        bytes.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, sequence);
        long x = seed(id, sequence, bytes.byteSize());
        long at = HEADER;
        for (; at + Long.BYTES <= bytes.byteSize(); at += Long.BYTES) {
            x = next(x);
            bytes.set(ValueLayout.JAVA_LONG_UNALIGNED, at, x);
        }
        for (x = next(x); at < bytes.byteSize(); at++) {
            bytes.set(ValueLayout.JAVA_BYTE, at, (byte) x);
        }
    }

    /** Whether {@code bytes} are exactly what {@link #fill} wrote for the id and number they start with. */
    static boolean check(MemorySegment bytes) {
        if (bytes.byteSize() < HEADER) {
            return false;
        }
        long x = seed(id(bytes), sequence(bytes), bytes.byteSize());
        long at = HEADER;
        for (; at + Long.BYTES <= bytes.byteSize(); at += Long.BYTES) {
            x = next(x);
            if (bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, at) != x) {
                return false;
            }
        }
        for (x = next(x); at < bytes.byteSize(); at++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, at) != (byte) x) {
                return false;
            }
        }
        return true;
    }

    static long id(MemorySegment bytes) {
        return bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    static long sequence(MemorySegment bytes) {
        return bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
    }

    private static long seed(long id, long sequence, long length) {
        long s = (id + 1) * 0x9E3779B97F4A7C15L ^ sequence * 0xBF58476D1CE4E5B9L ^ length;
        return s == 0 ? 1 : s;
    }

    private static long next(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }
}
