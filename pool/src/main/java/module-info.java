/** Shared-memory buffer pools with crash-safe cross-process references. */
module io.xmem.pool {
    exports io.xmem.pool;
    // A ring pins the buffers its records refer to, through the pool's per-JVM state.
    exports io.xmem.pool.internal to io.xmem.ring;
}
