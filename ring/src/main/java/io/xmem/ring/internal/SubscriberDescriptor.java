package io.xmem.ring.internal;

/**
 * One entry of a ring's subscriber table. Entry {@code i} belongs to whoever holds the lock on
 * byte {@code i} of the ring's lock file; the OS drops it when that process dies, so a
 * successful {@code tryLock} by anyone else proves the subscriber gone.
 *
 * <pre>
 *         +-------------------------------+-------------------------------+
 *      0  | state (u32): 0 EMPTY, 1       | reserved, zero                |
 *         | ACTIVE                        |                               |
 *         +---------------------------------------------------------------+
 *      8  | pid (u64)                                                     |
 *         +---------------------------------------------------------------+
 *     16  | reserved, zero, to byte 63                                    |
 *         +---------------------------------------------------------------+
 *     64  | position (u64): everything before it has been consumed        |
 *         +---------------------------------------------------------------+
 *     72  | lost (u64): records this subscriber missed (lossy rings)      |
 *         +---------------------------------------------------------------+
 *     80  | reserved, zero, to byte 127                                   |
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

    public static final int STATE_OFFSET = 0;
    public static final int PID_OFFSET = 8;
    public static final int POSITION_OFFSET = 64;
    public static final int LOST_OFFSET = 72;

    private SubscriberDescriptor() {
    }
}
