package io.xmem.bridge.internal;

/**
 * The counters file of a running bridge: {@code NAME.bridge-out} (an egress reading ring NAME) or
 * {@code NAME.bridge-in} (an ingress writing ring NAME), next to the ring. One writer, the bridge
 * process, which holds an exclusive OS lock on byte 0 of the file while it runs; any process may
 * read it (see {@code bridge/LAYOUT.md}). All fields little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                   magic 'XMBC' (int)                          |  0
 *  |                   layout version (int) = 1                    |  4
 *  |                   role (int): 1 egress, 2 ingress             |  8
 *  |                   state (int): 1 running, 2 stopped           | 12
 *  |                   pid of the bridge process (long)            | 16
 *  |                   start time, epoch milliseconds (long)       | 24
 *  |                   Aeron stream id (int)                       | 32
 *  |                   channel length in bytes (int, 0..256)       | 36
 *  |                   (reserved to 64)                            | 40
 *  +---------------------------------------------------------------+
 *  |                   Aeron channel, UTF-8 (256 bytes)            | 64
 *  +---------------------------------------------------------------+
 *  |  counters, one long each, from 320:                           |
 *  |  messages, bytes, fragments, back-pressure events, drops,     |
 *  |  lost, last sequence, malformed chunks                        | 320
 *  +---------------------------------------------------------------+
 *                                                          384 bytes
 * </pre>
 *
 * <p>Ordering: the header is written before {@code state} is set to running (release); counters
 * are each stored with release by the single writer and read with acquire, so a reader sees
 * each one as it was at some moment, not a torn value. A file left by a process that died stays
 * readable; the lock says whether its writer is alive. A restarted bridge takes the file over and
 * carries its counters on, so {@code lost} after a restart counts what was missed meanwhile.
 */
public final class CountersDescriptor {
    /** 'X' 'M' 'B' 'C' as a little-endian int. */
    public static final int MAGIC = 0x43424D58;
    public static final int VERSION = 1;
    public static final int ROLE_EGRESS = 1;
    public static final int ROLE_INGRESS = 2;
    public static final int STATE_RUNNING = 1;
    public static final int STATE_STOPPED = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int ROLE_OFFSET = 8;
    public static final int STATE_OFFSET = 12;
    public static final int PID_OFFSET = 16;
    public static final int START_TIME_OFFSET = 24;
    public static final int STREAM_ID_OFFSET = 32;
    public static final int CHANNEL_LENGTH_OFFSET = 36;
    public static final int CHANNEL_OFFSET = 64;
    public static final int MAX_CHANNEL_LENGTH = 256;

    public static final int COUNTERS_OFFSET = 320;
    /** Messages sent (egress) or delivered into the ring (ingress). */
    public static final int MESSAGES_OFFSET = COUNTERS_OFFSET;
    /** Payload bytes of those messages. */
    public static final int BYTES_OFFSET = COUNTERS_OFFSET + 8;
    /** Aeron messages (chunks) sent or received. */
    public static final int FRAGMENTS_OFFSET = COUNTERS_OFFSET + 16;
    /** Messages that had to wait: Aeron back-pressure (egress) or the local ring's (ingress). */
    public static final int BACK_PRESSURE_OFFSET = COUNTERS_OFFSET + 24;
    /** Messages dropped on purpose: lossy ring under back-pressure, no local subscriber, no buffer. */
    public static final int DROPS_OFFSET = COUNTERS_OFFSET + 32;
    /** Ingress: messages never received whole, from the gaps in the bridge sequence. */
    public static final int LOST_OFFSET = COUNTERS_OFFSET + 40;
    /** Sequence of the last message sent or received whole; -1 before the first. */
    public static final int LAST_SEQUENCE_OFFSET = COUNTERS_OFFSET + 48;
    /** Ingress: chunks rejected as not the bridge's format or inconsistent. */
    public static final int MALFORMED_OFFSET = COUNTERS_OFFSET + 56;
    public static final int COUNTER_COUNT = 8;

    public static final int FILE_LENGTH = COUNTERS_OFFSET + COUNTER_COUNT * 8;

    public static final String EGRESS_SUFFIX = ".bridge-out";
    public static final String INGRESS_SUFFIX = ".bridge-in";

    private CountersDescriptor() {
    }

    public static String suffix(int role) {
        return role == ROLE_EGRESS ? EGRESS_SUFFIX : INGRESS_SUFFIX;
    }
}
