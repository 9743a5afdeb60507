package io.xmem.ring.internal;

import io.xmem.pool.internal.shm.FilePrefixDescriptor;

/**
 * Offsets of a ring file's header and counters, the first 1,408 bytes of the file.
 *
 * <pre>
 *         +---------------------------------------------------------------+
 *      0  | magic "XMEMRING" (u64, little-endian)                         |
 *         +-------------------------------+-------------------------------+
 *      8  | layout version (u32)          | header length (u32)           |
 *         +-------------------------------+-------------------------------+
 *     16  | state (u32): 0 INIT, 1 READY  | flags (u32): 1 LOSSY, 2       |
 *         |                               | NO_WAKEUPS                    |
 *         +---------------------------------------------------------------+
 *     24  | file length (u64)                                             |
 *         +---------------------------------------------------------------+
 *     32  | log capacity (u64, bytes, a power of two)                     |
 *         +-------------------------------+-------------------------------+
 *     40  | max subscribers (u32)         | max inline length (u32)       |
 *         +---------------------------------------------------------------+
 *     48  | ring id (u64, random per create)                              |
 *         +---------------------------------------------------------------+
 *     56  | pool id (u64; 0 when the ring has no pool)                    |
 *         +---------------------------------------------------------------+
 *     64  | creator pid (u64)                                             |
 *         +---------------------------------------------------------------+
 *     72  | creation time (u64, epoch millis)                             |
 *         +-------------------------------+-------------------------------+
 *     80  | pool name length (u32)        | subscriber timeout (u32, ms)  |
 *         +---------------------------------------------------------------+
 *     88  | subscriber table offset (u64) = 1408 + 65 × 64 = 5568         |
 *         +---------------------------------------------------------------+
 *     96  | log offset (u64): after the table, 4096-aligned               |
 *         +---------------------------------------------------------------+
 *    104  | reserved, zero, to byte 127                                   |
 *         +---------------------------------------------------------------+
 *    128  | pool name (UTF-8, up to 200 bytes, to byte 327), zero-padded  |
 *         +---------------------------------------------------------------+
 *    328  | reserved, zero, to byte 511                                   |
 *         +---------------------------------------------------------------+
 *    512  | tail (u64): position after the last committed record          |
 *         +---------------------------------------------------------------+
 *    520  | reserved: the rest of the tail's 128-byte line                |
 *         +---------------------------------------------------------------+
 *    640  | release position (u64): records below it dropped their pins   |
 *         +---------------------------------------------------------------+
 *    648  | reserved: the rest of its 128-byte line                       |
 *         +---------------------------------------------------------------+
 *    768  | published (u64): records published, the next sequence number  |
 *         +---------------------------------------------------------------+
 *    776  | back-pressured (u64): offers refused for want of room         |
 *         +---------------------------------------------------------------+
 *    784  | last reference end (u64): after the last reference record     |
 *         +---------------------------------------------------------------+
 *    792  | reserved: the rest of the counters' 128-byte line             |
 *         +---------------------------------------------------------------+
 *    896  | publisher pid (u64): diagnostics                              |
 *         +---------------------------------------------------------------+
 *    904  | membership (u64): bumped by every join and leave              |
 *         +---------------------------------------------------------------+
 *    912  | reserved: the rest of its 128-byte line                       |
 *         +-------------------------------+-------------------------------+
 *   1024  | wake sequence (u32): the      | sleepers (u32)                |
 *         | futex word                    |                               |
 *         +-------------------------------+-------------------------------+
 *   1032  | asymmetric wake (u32): 1 once | reserved, zero                |
 *         | set                           |                               |
 *         +---------------------------------------------------------------+
 *   1040  | reserved: the rest of its 128-byte line                       |
 *         +---------------------------------------------------------------+
 *   1152  | write head (u64): lossy rings, end of the bytes being written |
 *         +---------------------------------------------------------------+
 *   1160  | laps (u64): times a subscriber was overtaken                  |
 *         +---------------------------------------------------------------+
 *   1168  | reserved: the rest of its 128-byte line                       |
 *         +---------------------------------------------------------------+
 *   1280  | publish lock (u64): 0, or the id of the concurrent            |
 *         | publication writing                                           |
 *         +---------------------------------------------------------------+
 *   1288  | reserved: the rest of its 128-byte line                       |
 *         +---------------------------------------------------------------+
 *   1408
 * </pre>
 *
 * <p>Everything before byte 512 is immutable once READY (stored last, with release) and is
 * validated and copied by every opener. The counters are written at run time: the tail by the
 * publisher (release), the release position by compare-and-set, the statistics with opaque
 * stores. Sleepers: a subscriber about to block increments the sleeper count (atomic), then
 * executes a barrier on every registered publisher's CPU ({@code membarrier}, see
 * {@link Membarrier}), then checks once more for a record, then waits on the wake sequence; a
 * publisher, after its commit, reads the sleeper count (only the compiler may not move that
 * load above the commit: it costs no fence) and, if any, bumps the sequence and wakes them.
 * Either the subscriber sees the record or the publisher sees the sleeper: no lost wake-up.
 * The store-then-load pairing on each side needs a full barrier between them; the membarrier
 * puts the publisher's on the sleeper's slow path (see {@code ring/LAYOUT.md}, <i>Sleeping
 * subscribers</i>). A publisher that cannot register fences per record as before. Positions
 * are byte offsets into an unbounded stream; a position's place in the log is
 * {@code position & (capacity - 1)}.
 */
public final class RingHeaderDescriptor {
    /** "XMEMRING" read as a little-endian u64. */
    public static final long MAGIC = 0x474E49524D454D58L;
    /**
     * 2: a publication table after the counters, labels in subscriber entries, a subscriber timeout
     * and evicted subscribers. Version 1 files are refused.
     */
    /**
     * 3: the last reference end at 784 (a releaser of version 3 trusts it to skip its walk, so a
     * version 2 publisher, which leaves it 0, must never share a ring with one).
     */
    public static final int LAYOUT_VERSION = 3;
    public static final int LENGTH = 1408;
    public static final int FLAG_LOSSY = 1;
    /** Nobody may sleep on this ring: publishers skip the fence and wake-up check per record. */
    public static final int FLAG_NO_WAKEUPS = 2;

    public static final int STATE_INITIALISING = FilePrefixDescriptor.STATE_INITIALISING;
    public static final int STATE_READY = FilePrefixDescriptor.STATE_READY;

    public static final int MAGIC_OFFSET = FilePrefixDescriptor.MAGIC_OFFSET;
    public static final int VERSION_OFFSET = FilePrefixDescriptor.VERSION_OFFSET;
    public static final int HEADER_LENGTH_OFFSET = FilePrefixDescriptor.HEADER_LENGTH_OFFSET;
    public static final int STATE_OFFSET = FilePrefixDescriptor.STATE_OFFSET;
    public static final int FLAGS_OFFSET = FilePrefixDescriptor.FLAGS_OFFSET;
    public static final int FILE_LENGTH_OFFSET = FilePrefixDescriptor.FILE_LENGTH_OFFSET;
    public static final int CAPACITY_OFFSET = 32;
    public static final int MAX_SUBSCRIBERS_OFFSET = 40;
    public static final int MAX_INLINE_OFFSET = 44;
    public static final int RING_ID_OFFSET = 48;
    public static final int POOL_ID_OFFSET = 56;
    public static final int CREATOR_PID_OFFSET = 64;
    public static final int CREATED_MILLIS_OFFSET = 72;
    public static final int POOL_NAME_LENGTH_OFFSET = 80;
    /** Subscriber timeout (u32, milliseconds; 0: none, the ring is strictly reliable). */
    public static final int SUBSCRIBER_TIMEOUT_OFFSET = 84;
    public static final int SUBSCRIBER_TABLE_OFFSET_OFFSET = 88;
    public static final int LOG_OFFSET_OFFSET = 96;
    public static final int POOL_NAME_OFFSET = 128;
    public static final int POOL_NAME_MAX = 200;

    public static final int TAIL_OFFSET = 512;
    public static final int RELEASE_POSITION_OFFSET = 640;
    public static final int PUBLISHED_COUNT_OFFSET = 768;
    public static final int BACK_PRESSURED_COUNT_OFFSET = 776;
    /**
     * The position after the last buffer reference record published (u64; 0 before the first),
     * stored before that record's commit: a releaser whose release position is at or past it has
     * no pin to drop and moves on without walking the records.
     */
    public static final int LAST_REFERENCE_END_OFFSET = 784;
    public static final int PUBLISHER_PID_OFFSET = 896;
    /** Bumped when a subscriber joins or leaves: publishers look at the table again. */
    public static final int MEMBERSHIP_OFFSET = 904;
    /** A futex word: bumped (and sleepers woken) after a commit when anyone sleeps. */
    public static final int WAKE_SEQUENCE_OFFSET = 1024;
    /** Subscribers asleep (or about to sleep) on the wake sequence. */
    public static final int SLEEPERS_OFFSET = 1028;
    /**
     * Set (1, once, never cleared) by a publication that leaves out its per-record fence because
     * sleepers call {@code membarrier}: a subscriber that cannot call it must not sleep for long.
     */
    public static final int ASYMMETRIC_WAKE_OFFSET = 1032;
    public static final int WRITE_HEAD_OFFSET = 1152;
    public static final int LAPS_OFFSET = 1160;
    /**
     * Concurrent publications take turns through this word: 0 when free, else the holder's id
     * {@code k + 1}, where {@code k} is the byte {@code PUBLISHER_LOCK + 1 + k} of the lock file
     * that the holder's process keeps locked. A waiter that finds the holder's byte unlocked
     * knows it died, takes the word over, and resumes after the last committed record.
     */
    public static final int PUBLISH_LOCK_OFFSET = 1280;

    private RingHeaderDescriptor() {
    }
}
