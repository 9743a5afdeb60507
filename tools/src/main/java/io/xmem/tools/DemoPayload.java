package io.xmem.tools;

import io.xmem.ring.Message;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32C;

/**
 * The demo's records ({@code --payload demo}): buffers of mixed sizes, each with its CRC32C in the
 * reference's timestamp field, and small inline messages. Which records are frames, how long each
 * one is and what bytes it holds all follow from its sequence number, so a run is the same every
 * time. Records come in groups of five: three small buffers (1 byte to 4 KiB), a frame
 * ({@code --frame-size}), then an inline message laid out as
 *
 * <pre>
 *   0               8       12
 *  +---------------+-------+-------------------------------+
 *  | sequence (i64)| crc32c| body: 0..INLINE_MAX_BODY bytes |
 *  +---------------+-------+-------------------------------+
 * </pre>
 *
 * with the CRC32C of the body. A subscriber recomputes every CRC32C over the bytes in place.
 */
final class DemoPayload implements FramePayload {
    static final String KIND = "demo";
    /** Small buffers share a 4 KiB class; frames get a class of their own. */
    static final long SMALL_SIZE = 4096;
    static final int SMALL_COUNT = 64;
    static final int FRAME_COUNT = 8;
    /** Every FRAME_EVERY-th buffer is a frame, and an inline message follows it. */
    static final int FRAME_EVERY = 4;
    static final int INLINE_CRC_OFFSET = 8;
    static final int INLINE_HEADER_LENGTH = 12;
    static final int INLINE_MAX_BODY = 200;
    private static final int GROUP = FRAME_EVERY + 1;

    private final long frameSize;

    DemoPayload(long frameSize) {
        this.frameSize = frameSize;
    }

    /** The records a run of {@code buffers} references publishes: the buffers and an inline message per frame. */
    static long records(long buffers) {
        return buffers + buffers / FRAME_EVERY;
    }

    @Override
    public boolean isInline(long seq) {
        return seq % GROUP == GROUP - 1;
    }

    private static boolean isFrame(long seq) {
        return seq % GROUP == GROUP - 2;
    }

    @Override
    public long length(long seq) {
        if (isInline(seq)) {
            return INLINE_HEADER_LENGTH + mix(seq) % (INLINE_MAX_BODY + 1);
        }
        return isFrame(seq) ? frameSize : 1 + mix(seq) % SMALL_SIZE;
    }

    @Override
    public long fill(MemorySegment target, long seq) {
        if (!isInline(seq)) {
            fillPattern(target, seq);
            return Integer.toUnsignedLong(checksum(target));
        }
        MemorySegment body = target.asSlice(INLINE_HEADER_LENGTH);
        fillPattern(body, seq);
        target.set(ValueLayout.JAVA_LONG_UNALIGNED, SEQUENCE_OFFSET, seq);
        target.set(ValueLayout.JAVA_INT_UNALIGNED, INLINE_CRC_OFFSET, checksum(body));
        return 0;
    }

    @Override
    public String check(Message message, long seq) {
        MemorySegment bytes = message.segment(); // in place: a pool buffer or the ring's own bytes
        if (!message.isInline()) {
            int actual = checksum(bytes);
            int sent = (int) message.timestamp();
            return actual == sent ? null : "buffer 0x" + Long.toHexString(message.token()) + " of " + bytes.byteSize()
                + " bytes has CRC32C " + Integer.toHexString(actual) + ", the producer sent "
                + Integer.toHexString(sent);
        }
        if (bytes.byteSize() < INLINE_HEADER_LENGTH) {
            return "inline message of " + bytes.byteSize() + " bytes, shorter than its header";
        }
        int actual = checksum(bytes.asSlice(INLINE_HEADER_LENGTH));
        int sent = bytes.get(ValueLayout.JAVA_INT_UNALIGNED, INLINE_CRC_OFFSET);
        return actual == sent ? null : "inline message has CRC32C " + Integer.toHexString(actual)
            + ", the producer sent " + Integer.toHexString(sent);
    }

    /** -1: a reference's timestamp carries its CRC32C. */
    @Override
    public long publishTime(Message message) {
        return -1;
    }

    /** A pattern that differs in every word and every record, so a misplaced byte changes the checksum. */
    private static void fillPattern(MemorySegment segment, long seq) {
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
    private static int checksum(MemorySegment segment) {
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
