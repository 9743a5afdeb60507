/** Shared-memory buffer pools with crash-safe cross-process references. */
module io.xmem.pool {
    exports io.xmem.pool;
    // GPU buffers: CUDA driver calls through FFM (libcuda.so.1 is loaded on first use only).
    exports io.xmem.pool.cuda;
    // A ring pins the buffers its records refer to, through the pool's per-JVM state.
    exports io.xmem.pool.internal to io.xmem.ring;
}
