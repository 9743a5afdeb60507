package io.xmem.archive.internal;

/**
 * The bodies of a recording's markers: messages in the bridge's chunk format with the
 * {@code MARKER} flag, one chunk each, whose header's tag says which marker and whose sequence
 * field is given below. All fields little-endian. Together they let a reader tell which ring a
 * recording is of, what the recorder could not record, and whether it ended cleanly.
 *
 * <p><b>START</b> (tag 1), the first message of every recording; sequence = published count:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |   version (int) = 1             |   ring flags (int): 1 lossy  |  0
 *  +---------------------------------------------------------------+
 *  |   ring capacity (long)                                         |  8
 *  +---------------------------------------------------------------+
 *  |   the ring's published count when the recorder joined (long)   | 16
 *  +---------------------------------------------------------------+
 *  |   recorder pid (long)                                          | 24
 *  +---------------------------------------------------------------+
 *  |   start time, epoch nanoseconds (long)                         | 32
 *  +---------------------------------------------------------------+
 *  |   ring name length (int, 1..200)  |  ring name (UTF-8) ...      | 40
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>LOSS</b> (tag 2), where records are missing; sequence = the first one missing:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |   records missing (long)                                      |  0
 *  +---------------------------------------------------------------+
 *  |   reason (int): 1 the lossy ring overtook the recorder,       |  8
 *  |                 2 a device buffer (not readable by the CPU)    |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>END</b> (tag 3), the last message of a recording stopped cleanly; sequence = the next
 * record's:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |   records (long)                 |   payload bytes (long)      |  0 / 8
 *  +---------------------------------------------------------------+
 *  |   records missing (long)         |   first sequence (long)     | 16 / 24
 *  +---------------------------------------------------------------+
 *  |   last sequence (long)           |   stop time (long)          | 32 / 40
 *  +---------------------------------------------------------------+
 * </pre>
 * First and last sequence are −1 in a recording of no record.
 */
public final class MarkerDescriptor {
    public static final int START = 1;
    public static final int LOSS = 2;
    public static final int END = 3;

    public static final int VERSION = 1;
    public static final int START_VERSION_OFFSET = 0;
    public static final int START_RING_FLAGS_OFFSET = 4;
    public static final int START_CAPACITY_OFFSET = 8;
    public static final int START_JOINED_AT_OFFSET = 16;
    public static final int START_PID_OFFSET = 24;
    public static final int START_TIME_OFFSET = 32;
    public static final int START_NAME_LENGTH_OFFSET = 40;
    public static final int START_NAME_OFFSET = 44;
    public static final int MAX_NAME_LENGTH = 200;
    public static final int RING_FLAG_LOSSY = 1;

    public static final int LOSS_COUNT_OFFSET = 0;
    public static final int LOSS_REASON_OFFSET = 8;
    public static final int LOSS_LENGTH = 12;
    public static final int REASON_OVERTAKEN = 1;
    public static final int REASON_DEVICE_BUFFER = 2;

    public static final int END_RECORDS_OFFSET = 0;
    public static final int END_BYTES_OFFSET = 8;
    public static final int END_MISSING_OFFSET = 16;
    public static final int END_FIRST_OFFSET = 24;
    public static final int END_LAST_OFFSET = 32;
    public static final int END_TIME_OFFSET = 40;
    public static final int END_LENGTH = 48;

    private MarkerDescriptor() {
    }
}
