package io.xmem.perf.harness;

/**
 * The bytes every transport moves, as {@link Transport} describes them.
 *
 * <pre>
 *   0                   8                   16                      length-8         length
 *   +-------------------+-------------------+-----------------------+----------------+
 *   | send timestamp    | sequence          | payload (publisher's) | last 8 bytes   |
 *   | nanoTime, LE long | 0.., LE long      |                       | (touched)      |
 *   +-------------------+-------------------+-----------------------+----------------+
 * </pre>
 *
 * The timestamp is {@link System#nanoTime()} at the send (or the intended send time in the
 * coordinated-omission-corrected rate mode): on Linux every process reads the same
 * {@code CLOCK_MONOTONIC}, so a subscriber's {@code nanoTime() - timestamp} is a one-way latency.
 */
public final class MessageLayout {
    public static final int TIMESTAMP_OFFSET = 0;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;
    /** The smallest message the harness sends: the header plus the 8 touched bytes never overlap it. */
    public static final int MIN_LENGTH = 24;
    /**
     * Set in the sequence field of every measured message, clear in warm-up messages: warm-up
     * lasts a time, not a count, so only the publisher knows where it ends and says so in band.
     * Sequences stay below 2^62, so the flag never collides with a count.
     */
    public static final long MEASURED = 1L << 62;

    private MessageLayout() {
    }

    /** Offset of the 8 bytes a subscriber reads at the end of a message of {@code length} bytes. */
    public static int touchOffset(int length) {
        return length - 8;
    }

    /** A recognisable, non-zero payload pattern for byte {@code i} (so nothing is a page of zeros). */
    public static byte patternByte(int i) {
        return (byte) (i * 31 + 7);
    }
}
