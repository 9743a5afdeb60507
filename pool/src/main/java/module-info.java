/** Shared-memory buffer pools with crash-safe cross-process references. */
module io.xmem.pool {
    exports io.xmem.pool;
    // What xmem's own modules need of a pool: the ring's seam (BufferPins), the device buffers the
    // GPU module serves, and the shared-file layer rings and the bridge's counters use too.
    exports io.xmem.pool.internal to io.xmem.ring, io.xmem.cuda;
    exports io.xmem.pool.internal.shm to io.xmem.ring, io.xmem.bridge;
    // GPU support for device size classes is a service: the xmem-cuda module provides it.
    exports io.xmem.pool.device to io.xmem.cuda;
    uses io.xmem.pool.device.DeviceMemoryProvider;
}
