package io.xmem.ring.internal;

/**
 * A record in a ring's log. Records start at multiples of {@value #ALIGNMENT} bytes and never
 * wrap: one that would cross the end of the log is preceded by a padding record to the end.
 *
 * <pre>
 *         +---------------------------------------------------------------+
 *      0  | commit (u64): the record's own position, stored last          |
 *         +-------------------------------+-------------------------------+
 *      8  | length (i32): header + body   | type (i32)                    |
 *         | bytes                         |                               |
 *         +---------------------------------------------------------------+
 *     16  | sequence (u64): 0, 1, 2... over the records that are not      |
 *         | padding                                                       |
 *         +---------------------------------------------------------------+
 *     24  | body: inline bytes; or a buffer reference: token (u64)        |
 *         +---------------------------------------------------------------+
 *     32  | reference: offset (u64) in the buffer                         |
 *         +---------------------------------------------------------------+
 *     40  | reference: length (u64)                                       |
 *         +---------------------------------------------------------------+
 *     48  | reference: timestamp (u64, user's)                            |
 *         +---------------------------------------------------------------+
 *     56  | reference: tag (u64, user's)                                  |
 *         +---------------------------------------------------------------+
 * 64 (a reference; inline: 24 + payload)
 * </pre>
 *
 * <h2>Ordering</h2>
 * The publisher writes the body, the length and the type with plain stores, then the commit
 * word with a release store. A subscriber at position {@code p} reads the commit word at
 * {@code p}'s place with an acquire load: only if it equals {@code p} is the record there the
 * one it waits for, complete (everything before the release is visible after the acquire).
 * A commit word left from an earlier lap holds that lap's position, never {@code p}, so no
 * zeroing is needed. In a reliable ring the publisher never writes where a live subscriber has
 * not yet read, so a record cannot change while it is delivered.
 *
 * <h2>Lossy rings</h2>
 * The publisher never waits. Before it writes bytes up to position {@code e} it stores the
 * ring's write head {@code e}, then a store-store fence: nobody can see the new bytes before
 * the head that announces them. A reader copies what it needs from the record at {@code p},
 * then (load-load fence) reads the write head: if the head is beyond {@code p + capacity} the
 * bytes may have been overwritten while it read, so it discards them and counts itself
 * lapped; otherwise they were whole. Inline payloads are therefore copied before delivery,
 * and buffer references are attached (a reference of the reader's own) before delivery.
 */
public final class RecordDescriptor {
    public static final int ALIGNMENT = 32;
    public static final int HEADER_LENGTH = 24;

    public static final int COMMIT_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int TYPE_OFFSET = 12;
    public static final int SEQUENCE_OFFSET = 16;

    public static final int TYPE_PADDING = 1;
    public static final int TYPE_INLINE = 2;
    public static final int TYPE_REFERENCE = 3;
    /** A reference to a buffer of one of the pool's device (GPU) size classes; same body as {@link #TYPE_REFERENCE}. */
    public static final int TYPE_DEVICE_REFERENCE = 4;

    public static final int REF_TOKEN_OFFSET = 24;
    public static final int REF_OFFSET_OFFSET = 32;
    public static final int REF_LENGTH_OFFSET = 40;
    public static final int REF_TIMESTAMP_OFFSET = 48;
    public static final int REF_TAG_OFFSET = 56;
    public static final int REF_RECORD_LENGTH = 64;

    /** Whether records of {@code type} refer to a pool buffer (and so hold a pin on it). */
    public static boolean isReference(int type) {
        return type == TYPE_REFERENCE || type == TYPE_DEVICE_REFERENCE;
    }

    private RecordDescriptor() {
    }

    public static int aligned(int length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
