package io.xmem.tools;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32C;

/**
 * What the demo's producer writes and how the subscribers check it. Which buffers are frames,
 * how long each one is and what bytes it holds all follow from its number, so a run is the same
 * every time.
 *
 * <p>Records on the demo's ring: a buffer reference carries the CRC32C of the payload in its
 * timestamp field and the demo's sequence number in its tag. After every frame comes a small
 * inline message, laid out as
 *
 * <pre>
 *   0               8       12      16
 *  +---------------+-------+-------+------------------------------+
 *  | sequence (i64)| crc32c| kind  | body: 0..INLINE_MAX_BODY bytes|
 *  +---------------+-------+-------+------------------------------+
 * </pre>
 *
 * with the CRC32C of the body. The last record is an inline message of kind {@link #KIND_END}
 * and no body: the stream is over.
 */
final class DemoPayload {
    /** Small buffers share a 4 KiB class; frames get a class of their own. */
    static final long SMALL_SIZE = 4096;
    static final int SMALL_COUNT = 64;
    static final int FRAME_COUNT = 8;
    /** Every FRAME_EVERY-th buffer is a frame. */
    static final int FRAME_EVERY = 4;

    static final int INLINE_SEQUENCE_OFFSET = 0;
    static final int INLINE_CRC_OFFSET = 8;
    static final int INLINE_KIND_OFFSET = 12;
    static final int INLINE_HEADER_LENGTH = 16;
    static final int INLINE_MAX_BODY = 200;
    static final int KIND_DATA = 1;
    static final int KIND_END = 2;

    private DemoPayload() {
    }

    static boolean isFrame(long seq) {
        return seq % FRAME_EVERY == FRAME_EVERY - 1;
    }

    static long length(long seq, long frameSize) {
        return isFrame(seq) ? frameSize : 1 + mix(seq) % SMALL_SIZE;
    }

    /** The length of the body of inline message number {@code seq}. */
    static int inlineBodyLength(long seq) {
        return (int) (mix(seq) % (INLINE_MAX_BODY + 1));
    }

    /** Writes inline message {@code seq} of {@code kind} into {@code message}, whose size sets the body's. */
    static void fillInline(MemorySegment message, long seq, int kind) {
        MemorySegment body = message.asSlice(INLINE_HEADER_LENGTH);
        fill(body, seq);
        message.set(ValueLayout.JAVA_LONG_UNALIGNED, INLINE_SEQUENCE_OFFSET, seq);
        message.set(ValueLayout.JAVA_INT_UNALIGNED, INLINE_CRC_OFFSET, checksum(body));
        message.set(ValueLayout.JAVA_INT_UNALIGNED, INLINE_KIND_OFFSET, kind);
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
