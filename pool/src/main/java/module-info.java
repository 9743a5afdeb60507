/** Shared-memory buffer pools with crash-safe cross-process references. */
module io.xmem.pool {
    exports io.xmem.pool;
}
