package io.xmem.pool.internal;

/**
 * One entry of the size class table, in ascending buffer size.
 *
 * <pre>
 *         +---------------------------------------------------------------+
 *      0  | buffer size (u64, bytes)                                      |
 *         +---------------------------------------------------------------+
 *      8  | stride (u64): buffer size rounded up to the alignment; 128    |
 *         | for a device class                                            |
 *         +---------------------------------------------------------------+
 *     16  | data offset (u64): first buffer, from file start              |
 *         +-------------------------------+-------------------------------+
 *     24  | first slot (u32)              | count (u32)                   |
 *         +-------------------------------+-------------------------------+
 *     32  | device kind (u32): 0 host, 1  | device ordinal (u32)          |
 *         | CUDA                          |                               |
 *         +---------------------------------------------------------------+
 *     40  | device UUID (16 bytes, to byte 55; zero for host classes)     |
 *         +---------------------------------------------------------------+
 *     56  | reserved, zero                                                |
 *         +---------------------------------------------------------------+
 *     64  | cursor (u64): allocation hint, a class-relative slot index    |
 *         +---------------------------------------------------------------+
 *     72  | reserved, zero, to byte 127                                   |
 *         +---------------------------------------------------------------+
 *    128
 * </pre>
 *
 * <p>A device class's buffers are on the GPU named by the UUID (the ordinal is the creating
 * process's number for it, diagnostics only); its "buffers" in the data area are one
 * {@link DeviceHandleDescriptor} record per slot.
 *
 * <p>Everything before byte 64 is immutable after READY and copied into the process at open,
 * after validation. The cursor is the only word written at run time, on a cache line of its
 * own; it is a hint (opaque reads and writes): any value is safe, out-of-range ones are
 * ignored.
 */
public final class SizeClassDescriptor {
    public static final int LENGTH = 128;

    public static final int BUFFER_SIZE_OFFSET = 0;
    public static final int STRIDE_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 16;
    public static final int FIRST_SLOT_OFFSET = 24;
    public static final int COUNT_OFFSET = 28;
    public static final int DEVICE_KIND_OFFSET = 32;
    public static final int DEVICE_ORDINAL_OFFSET = 36;
    public static final int DEVICE_UUID_OFFSET = 40;
    public static final int DEVICE_UUID_LENGTH = 16;

    public static final int DEVICE_KIND_HOST = 0;
    public static final int DEVICE_KIND_CUDA = 1;
    public static final int CURSOR_OFFSET = 64;

    private SizeClassDescriptor() {
    }
}
