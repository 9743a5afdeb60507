package io.xmem.ring.internal;

/**
 * One entry of a ring's subscriber table. Entry {@code i} belongs to whoever holds the lock on
 * byte {@code i} of the ring's lock file; the OS drops it when that process dies, so a
 * successful {@code tryLock} by anyone else proves the subscriber gone.
 *
 * <pre>
 *         +-------------------------------+-------------------------------+
 *      0  | state (u32): 0 EMPTY, 1       | label length (u32)            |
 *         | ACTIVE, 2 EVICTED             |                               |
 *         +---------------------------------------------------------------+
 *      8  | pid (u64)                                                     |
 *         +---------------------------------------------------------------+
 *     16  | label (UTF-8, up to 40 bytes, to byte 55), zero-padded        |
 *         +---------------------------------------------------------------+
 *     56  | reserved, zero                                                |
 *         +---------------------------------------------------------------+
 *     64  | position (u64): everything before it has been consumed        |
 *         +---------------------------------------------------------------+
 *     72  | lost (u64): records this subscriber missed (lossy rings)      |
 *         +---------------------------------------------------------------+
 *     80  | evicted lag (u64): bytes behind the tail when evicted         |
 *         +---------------------------------------------------------------+
 *     88  | evicted at (u64, epoch millis)                                |
 *         +---------------------------------------------------------------+
 *     96  | reserved, zero, to byte 127                                   |
 *         +---------------------------------------------------------------+
 *    128
 * </pre>
 *
 * <p>A joining subscriber stores its start position, then state ACTIVE with release; the
 * publisher reads state with acquire, then position. The subscriber stores its position with
 * release after it has finished with the records before it, so a publisher that sees the
 * position may reuse their space.
 */
public final class SubscriberDescriptor {
    public static final int LENGTH = 128;

    public static final int STATE_EMPTY = 0;
    public static final int STATE_ACTIVE = 1;
    /**
     * Held back a publisher longer than the ring's subscriber timeout, or evicted by an operator:
     * no longer counted by flow control; its owner's next poll fails, saying so.
     */
    public static final int STATE_EVICTED = 2;

    public static final int STATE_OFFSET = 0;
    /** Bytes of the label (u32, 0..{@code Labels.MAX_BYTES}). */
    public static final int LABEL_LENGTH_OFFSET = 4;
    public static final int PID_OFFSET = 8;
    /** The subscriber's label: {@code -Dxmem.label}, or its main class or jar; zero-padded. */
    public static final int LABEL_OFFSET = 16;
    public static final int POSITION_OFFSET = 64;
    public static final int LOST_OFFSET = 72;
    /** When evicted: how many bytes behind the tail it was (u64). */
    public static final int EVICTED_LAG_OFFSET = 80;
    /** When evicted: when (u64, epoch millis). */
    public static final int EVICTED_MILLIS_OFFSET = 88;

    private SubscriberDescriptor() {
    }
}
