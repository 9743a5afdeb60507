package io.xmem.pool.internal;

import io.xmem.pool.internal.shm.FilePrefixDescriptor;

/**
 * Offsets of the pool file's header, the first structure of the file.
 *
 * <pre>
 *         +---------------------------------------------------------------+
 *      0  | magic "XMEMPOOL" (u64, little-endian)                         |
 *         +-------------------------------+-------------------------------+
 *      8  | layout version (u32)          | header length (u32)           |
 *         +-------------------------------+-------------------------------+
 *     16  | state (u32): 0 INIT, 1 READY  | flags (u32): 1 zero on        |
 *         |                               | acquire                       |
 *         +---------------------------------------------------------------+
 *     24  | file length (u64)                                             |
 *         +---------------------------------------------------------------+
 *     32  | pool id (u64, random per create)                              |
 *         +---------------------------------------------------------------+
 *     40  | creator pid (u64)                                             |
 *         +---------------------------------------------------------------+
 *     48  | creation time (u64, epoch millis)                             |
 *         +-------------------------------+-------------------------------+
 *     56  | alignment (u32)               | max participants (u32)        |
 *         +-------------------------------+-------------------------------+
 *     64  | size class count (u32)        | slot count (u32)              |
 *         +---------------------------------------------------------------+
 *     72  | participant table offset (u64)                                |
 *         +---------------------------------------------------------------+
 *     80  | size class table offset (u64)                                 |
 *         +---------------------------------------------------------------+
 *     88  | slot table offset (u64)                                       |
 *         +---------------------------------------------------------------+
 *     96  | data area offset (u64)                                        |
 *         +---------------------------------------------------------------+
 *    104  | data area length (u64)                                        |
 *         +-------------------------------+-------------------------------+
 *    112  | device memory (u32): 0 none,  | reserved, zero                |
 *         | 1 live, 2 released by creator |                               |
 *         +---------------------------------------------------------------+
 *    120  | reserved, zero, to byte 255                                   |
 *         +---------------------------------------------------------------+
 *    256
 * </pre>
 *
 * <p>Publication: the creator writes every other field (and the tables after the header), then
 * the state word READY with release semantics. An opener reads the state with acquire
 * semantics and only then trusts, after validating, the rest. All fields are immutable
 * once READY, except the device memory word: the creator of a pool with device size classes
 * stores 1 (live) before READY and 2 (released) when it frees the device memory, after which
 * no process may map it.
 */
public final class PoolHeaderDescriptor {
    /** "XMEMPOOL" read as a little-endian u64. */
    public static final long MAGIC = 0x4C4F4F504D454D58L;
    /** 2: participant entries carry a label. Version 1 files are refused. */
    public static final int LAYOUT_VERSION = 2;
    public static final int LENGTH = 256;

    public static final int STATE_INITIALISING = FilePrefixDescriptor.STATE_INITIALISING;
    public static final int STATE_READY = FilePrefixDescriptor.STATE_READY;
    public static final int FLAG_ZERO_ON_ACQUIRE = 1;
    /** Every process that maps the pool touches all of its data pages before using it. */
    public static final int FLAG_PREFAULT = 2;

    public static final int MAGIC_OFFSET = FilePrefixDescriptor.MAGIC_OFFSET;
    public static final int VERSION_OFFSET = FilePrefixDescriptor.VERSION_OFFSET;
    public static final int HEADER_LENGTH_OFFSET = FilePrefixDescriptor.HEADER_LENGTH_OFFSET;
    public static final int STATE_OFFSET = FilePrefixDescriptor.STATE_OFFSET;
    public static final int FLAGS_OFFSET = FilePrefixDescriptor.FLAGS_OFFSET;
    public static final int FILE_LENGTH_OFFSET = FilePrefixDescriptor.FILE_LENGTH_OFFSET;
    public static final int POOL_ID_OFFSET = 32;
    public static final int CREATOR_PID_OFFSET = 40;
    public static final int CREATED_MILLIS_OFFSET = 48;
    public static final int ALIGNMENT_OFFSET = 56;
    public static final int MAX_PARTICIPANTS_OFFSET = 60;
    public static final int SIZE_CLASS_COUNT_OFFSET = 64;
    public static final int SLOT_COUNT_OFFSET = 68;
    public static final int PARTICIPANT_TABLE_OFFSET_OFFSET = 72;
    public static final int SIZE_CLASS_TABLE_OFFSET_OFFSET = 80;
    public static final int SLOT_TABLE_OFFSET_OFFSET = 88;
    public static final int DATA_OFFSET_OFFSET = 96;
    public static final int DATA_LENGTH_OFFSET = 104;
    public static final int DEVICE_MEMORY_OFFSET = 112;

    public static final int DEVICE_MEMORY_NONE = 0;
    public static final int DEVICE_MEMORY_LIVE = 1;
    public static final int DEVICE_MEMORY_RELEASED = 2;

    private PoolHeaderDescriptor() {
    }
}
