package io.xmem.pool.internal;

/**
 * The record a device size class keeps in the data area for each of its slots, in place of the
 * buffer's bytes (which are on the GPU): the CUDA IPC handles through which other processes map
 * the slot's memory and its event.
 *
 * <pre>
 *         +---------------------------------------------------------------+
 *      0  | CUipcMemHandle (64 bytes, to byte 63) of the slot's           |
 *         | cuMemAlloc                                                    |
 *         +---------------------------------------------------------------+
 *     64  | CUipcEventHandle (64 bytes, to byte 127) of the slot's        |
 *         | interprocess event                                            |
 *         +---------------------------------------------------------------+
 *    128
 * </pre>
 *
 * <p>Written once by the pool's creator before the header's state becomes READY; immutable
 * afterwards. The handles are opaque to xmem: the driver validates them when a process opens
 * one, and a damaged handle fails that call (a {@code CudaException}) rather than mapping
 * anything else.
 */
public final class DeviceHandleDescriptor {
    public static final int LENGTH = 128;
    public static final int MEM_HANDLE_OFFSET = 0;
    public static final int EVENT_HANDLE_OFFSET = 64;
    /** Bytes of each handle: CUDA's {@code CU_IPC_HANDLE_SIZE}. */
    public static final int HANDLE_LENGTH = 64;

    private DeviceHandleDescriptor() {
    }
}
