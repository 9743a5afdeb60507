/** Aeron-style shared-memory rings of inline messages and references to pool buffers. */
module io.xmem.ring {
    requires transitive io.xmem.pool;
    exports io.xmem.ring;
}
