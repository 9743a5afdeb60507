package io.xmem.bridge.internal;

/**
 * The bridge's wire format, which the archive's recordings share: every Aeron message the bridge
 * sends starts with this 48-byte header and is either one chunk of one ring message or, with
 * {@link #FLAG_BATCH}, several whole small messages. All fields little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      magic 'XMB2' (int)                       |  0
 *  +---------------------------------------------------------------+
 *  |                      flags (int)                              |  4
 *  +---------------------------------------------------------------+
 *  |   message sequence (long; a batch: its first message's)       |  8
 *  +---------------------------------------------------------------+
 *  |   total length of the message (long; a batch: body bytes)     | 16
 *  +---------------------------------------------------------------+
 *  |   offset of this chunk in the message (long; a batch: 0)      | 24
 *  +---------------------------------------------------------------+
 *  |   timestamp (long, the record's user header; a batch: 0)      | 32
 *  +---------------------------------------------------------------+
 *  |   tag (long, the record's user header; a batch: entry count)  | 40
 *  +---------------------------------------------------------------+
 *  |   chunk data, or the batch's entries (Aeron length - 48)      | 48
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Every chunk is one Aeron frame (its length at most the publication's
 * {@code maxPayloadLength}, so Aeron never fragments it), and every chunk describes itself: the
 * receiver copies its data straight to {@code offset} of the buffer it acquired for the message,
 * with no reassembly buffer in between, and a receiver that joins mid-message knows which chunks
 * to skip. The chunks of one message are sent back to back and Aeron delivers a stream in order,
 * so a chunk of a new sequence while a message is incomplete means that message is lost.
 *
 * <p><b>Batch entries</b> ({@link #FLAG_BATCH}): message {@code sequence + i} is entry {@code i},
 * each starting at a multiple of {@value #ENTRY_ALIGNMENT} from the body's start:
 *
 * <pre>
 *  +-------------------------------+-------------------------------+
 *  |   payload length (int)        |   entry flags (int)           |  0
 *  +-------------------------------+-------------------------------+
 *  |   timestamp (long), only with ENTRY_FLAG_USER_HEADER          |  8
 *  +---------------------------------------------------------------+
 *  |   tag (long), only with ENTRY_FLAG_USER_HEADER                | 16
 *  +---------------------------------------------------------------+
 *  |   payload, then padding to the next multiple of 8             |  8 or 24
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A message without a user header (an inline ring record's) costs 8 bytes of entry header, so a
 * 32-byte message takes 40 bytes of a frame instead of the 80 of a chunk of its own (plus Aeron's
 * 32-byte frame header each).
 */
public final class ChunkDescriptor {
    /** 'X' 'M' 'B' '2' read as a little-endian int: the wire format, version 2 (flags and batches). */
    public static final int CHUNK_MAGIC = 0x32424D58;
    public static final int CHUNK_MAGIC_OFFSET = 0;
    public static final int FLAGS_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int TOTAL_LENGTH_OFFSET = 16;
    public static final int CHUNK_OFFSET_OFFSET = 24;
    public static final int TIMESTAMP_OFFSET = 32;
    public static final int TAG_OFFSET = 40;
    public static final int HEADER_LENGTH = 48;

    /** The message was an inline record of its ring (a replay puts it inline again). */
    public static final int FLAG_INLINE = 1;
    /** The frame carries whole small messages as entries, not a chunk of one message. */
    public static final int FLAG_BATCH = 2;
    /** A recording's own marker (start, loss, end: the archive module's MarkerDescriptor), not a ring record. */
    public static final int FLAG_MARKER = 4;
    /** Every flag a receiver understands; a frame with another bit set is not in this format. */
    public static final int KNOWN_FLAGS = FLAG_INLINE | FLAG_BATCH | FLAG_MARKER;

    public static final int ENTRY_LENGTH_OFFSET = 0;
    public static final int ENTRY_FLAGS_OFFSET = 4;
    public static final int ENTRY_HEADER_LENGTH = 8;
    public static final int ENTRY_TIMESTAMP_OFFSET = 8;
    public static final int ENTRY_TAG_OFFSET = 16;
    public static final int ENTRY_USER_HEADER_LENGTH = 16;
    public static final int ENTRY_ALIGNMENT = 8;
    /** The entry's message was an inline record of its ring. */
    public static final int ENTRY_FLAG_INLINE = 1;
    /** A timestamp and a tag follow the entry header. */
    public static final int ENTRY_FLAG_USER_HEADER = 2;
    public static final int KNOWN_ENTRY_FLAGS = ENTRY_FLAG_INLINE | ENTRY_FLAG_USER_HEADER;

    private ChunkDescriptor() {
    }

    /**
     * Whether a chunk header's fields are consistent with its {@code data} bytes: known flags, a
     * sequence, a total of at most 2^31 - 1, the chunk inside its message, data unless the message is
     * empty. Every receiver checks this before it uses the header.
     */
    public static boolean validChunk(int flags, long sequence, long total, long offset, int data) {
        return (flags & ~KNOWN_FLAGS) == 0 && sequence >= 0 && total >= 0 && total <= Integer.MAX_VALUE
            && offset >= 0 && offset <= total - data && (data > 0 || total == 0);
    }

    /** Bytes a batch entry of {@code payload} bytes occupies, padding included. */
    public static long entryLength(long payload, boolean userHeader) {
        long raw = ENTRY_HEADER_LENGTH + (userHeader ? ENTRY_USER_HEADER_LENGTH : 0) + payload;
        return (raw + ENTRY_ALIGNMENT - 1) & -ENTRY_ALIGNMENT;
    }
}
