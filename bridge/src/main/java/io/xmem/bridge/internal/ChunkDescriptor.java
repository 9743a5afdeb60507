package io.xmem.bridge.internal;

/**
 * The header the bridge puts in front of every Aeron message it sends: one chunk of one ring
 * message. All fields little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      magic 'XMB1' (int)                       |  0
 *  +---------------------------------------------------------------+
 *  |                      flags (int, 0 so far)                    |  4
 *  +---------------------------------------------------------------+
 *  |                 message sequence (long, from 0)               |  8
 *  +---------------------------------------------------------------+
 *  |             total length of the message (long, bytes)         | 16
 *  +---------------------------------------------------------------+
 *  |            offset of this chunk in the message (long)         | 24
 *  +---------------------------------------------------------------+
 *  |                 timestamp (long, the record's user header)    | 32
 *  +---------------------------------------------------------------+
 *  |                 tag (long, the record's user header)          | 40
 *  +---------------------------------------------------------------+
 *  |                 chunk data (Aeron length - 48 bytes)          | 48
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Every chunk is one Aeron frame (its length at most the publication's
 * {@code maxPayloadLength}, so Aeron never fragments it), and every chunk describes itself: the
 * receiver copies its data straight to {@code offset} of the buffer it acquired for the message,
 * with no reassembly buffer in between, and a receiver that joins mid-message knows which chunks
 * to skip. The chunks of one message are sent back to back and Aeron delivers a stream in order,
 * so a chunk of a new sequence while a message is incomplete means that message is lost.
 */
public final class ChunkDescriptor {
    /** 'X' 'M' 'B' '1' read as a little-endian int: the bridge's wire format, version 1. */
    public static final int CHUNK_MAGIC = 0x31424D58;
    public static final int CHUNK_MAGIC_OFFSET = 0;
    public static final int FLAGS_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int TOTAL_LENGTH_OFFSET = 16;
    public static final int CHUNK_OFFSET_OFFSET = 24;
    public static final int TIMESTAMP_OFFSET = 32;
    public static final int TAG_OFFSET = 40;
    public static final int HEADER_LENGTH = 48;

    private ChunkDescriptor() {
    }
}
