package io.xmem.tools;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32C;

/**
 * What the demo's producer writes and how both sides check it. Which buffers are frames, how
 * long each one is and what bytes it holds all follow from its sequence number, so a run is
 * the same every time.
 */
final class DemoPayload {
    /** Small buffers share a 4 KiB class; frames get a class of their own. */
    static final long SMALL_SIZE = 4096;
    static final int SMALL_COUNT = 64;
    static final int FRAME_COUNT = 8;
    /** Every FRAME_EVERY-th buffer is a frame. */
    static final int FRAME_EVERY = 4;

    private DemoPayload() {
    }

    static boolean isFrame(long seq) {
        return seq % FRAME_EVERY == FRAME_EVERY - 1;
    }

    static long length(long seq, long frameSize) {
        return isFrame(seq) ? frameSize : 1 + mix(seq) % SMALL_SIZE;
    }

    /** A pattern that differs in every word and every buffer, so a misplaced byte changes the checksum. */
    static void fill(MemorySegment segment, long seq) {
        long length = segment.byteSize();
        long words = length >>> 3;
        long base = mix(seq);
        for (long i = 0; i < words; i++) {
            segment.set(ValueLayout.JAVA_LONG_UNALIGNED, i << 3, base + i * 0x9E3779B97F4A7C15L);
        }
        for (long i = words << 3; i < length; i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) (base + i));
        }
    }

    /** CRC32C of every byte of the segment, read in place. */
    static int checksum(MemorySegment segment) {
        CRC32C crc = new CRC32C();
        crc.update(segment.asByteBuffer());
        return (int) crc.getValue();
    }

    private static long mix(long seq) {
        long z = seq * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 29)) & Long.MAX_VALUE;
    }
}
