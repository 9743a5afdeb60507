/**
 * Named shared-memory buffer pools with crash-safe cross-process references: the public API.
 *
 * <p>{@link io.xmem.pool.BufferPool} creates or opens a pool and hands out
 * {@link io.xmem.pool.Buffer} handles (one reference each) and 64-bit tokens that name a buffer
 * in every process; {@link io.xmem.pool.PoolConfig} shapes a pool; {@link io.xmem.pool.PoolScope}
 * is scoped allocation as a {@code SegmentAllocator}; {@link io.xmem.pool.PoolInspection} looks at
 * a pool from outside without joining it. Every exception extends
 * {@link io.xmem.pool.XmemException} and says what to do. The file format is {@code pool/LAYOUT.md}.
 */
package io.xmem.pool;
