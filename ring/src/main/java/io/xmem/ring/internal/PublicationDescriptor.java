package io.xmem.ring.internal;

/**
 * One entry of a ring's publication table, which follows the counters (at byte
 * {@link RingHeaderDescriptor#LENGTH}) and has {@link #ENTRIES} entries: entry 0 for the
 * exclusive publication, entry {@code k} (1..64) for the concurrent publication with id
 * {@code k}. For {@code xmem stat} and {@code Ring.stats()}: who publishes. Liveness is the lock
 * byte of the entry's publication ({@code MappedRing.PUBLISHER_LOCK + k}, the publishing byte
 * itself for entry 0), never the fields.
 *
 * <pre>
 *         +-------------------------------+-------------------------------+
 *      0  | state (u32): 0 EMPTY, 1       | label length (u32)            |
 *         | ACTIVE                        |                               |
 *         +---------------------------------------------------------------+
 *      8  | pid (u64)                                                     |
 *         +---------------------------------------------------------------+
 *     16  | label (UTF-8, up to 40 bytes, to byte 55), zero-padded        |
 *         +---------------------------------------------------------------+
 *     56  | reserved, zero                                                |
 *         +---------------------------------------------------------------+
 *     64
 * </pre>
 *
 * <p>The publication writes pid and label, then state ACTIVE with release, when it opens, and
 * EMPTY when it closes; an entry left ACTIVE by a dead process is shown as dead until the next
 * publication takes it.
 */
public final class PublicationDescriptor {
    public static final int LENGTH = 64;
    /** The exclusive publication's entry, then one per concurrent publication id. */
    public static final int ENTRIES = 1 + MappedRing.MAX_CONCURRENT_PUBLICATIONS;

    public static final int STATE_EMPTY = 0;
    public static final int STATE_ACTIVE = 1;

    public static final int STATE_OFFSET = 0;
    /** Bytes of the label (u32, 0..{@code Labels.MAX_BYTES}). */
    public static final int LABEL_LENGTH_OFFSET = 4;
    public static final int PID_OFFSET = 8;
    public static final int LABEL_OFFSET = 16;

    private PublicationDescriptor() {
    }
}
