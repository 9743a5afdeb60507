package io.xmem.perf.harness.floor;

/**
 * Layout of the floor's shared file: one forward line written by the publisher and one
 * acknowledgement line per subscriber, each on its own 128 bytes (two cache lines, so the
 * adjacent-line prefetcher does not make the two writers share a line).
 *
 * <pre>
 *   offset            field                        writer       access
 *   0                 forward sequence + 1         publisher    release store / acquire load
 *   8                 forward timestamp            publisher    plain (published by the release above)
 *   128 * (1 + i)     ack of subscriber i:         subscriber i release store / acquire load
 *                     last sequence + 1 it saw
 * </pre>
 *
 * Protocol: the publisher may write message n only when every ack equals n (the previous
 * message's sequence + 1); it writes the timestamp plainly, then the sequence + 1 with release.
 * A subscriber that loads a new sequence with acquire therefore reads that message's timestamp,
 * and the timestamp is not overwritten before the subscriber's ack. Zero means "nothing yet",
 * which is what a new file holds.
 */
public final class FloorDescriptor {
    public static final int LINE = 128;
    public static final long FORWARD_SEQUENCE_OFFSET = 0;
    public static final long FORWARD_TIMESTAMP_OFFSET = 8;

    private FloorDescriptor() {
    }

    public static long ackOffset(int subscriber) {
        return (long) LINE * (1 + subscriber);
    }

    public static long fileLength(int subscribers) {
        return (long) LINE * (1 + subscribers);
    }
}
