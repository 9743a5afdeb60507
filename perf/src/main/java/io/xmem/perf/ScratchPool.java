package io.xmem.perf;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;

/**
 * A pool in {@code /dev/shm} under a name no other run uses, deleted again by {@link #close()}.
 * Benchmarks open one in {@code @Setup(Level.Trial)} and close it in {@code @TearDown}, so a
 * run leaves no files behind and two runs never meet.
 */
final class ScratchPool implements AutoCloseable {
    final String name;
    final BufferPool pool;

    private ScratchPool(String name, BufferPool pool) {
        this.name = name;
        this.pool = pool;
    }

    static ScratchPool create(String label, PoolConfig config) {
        String name = "xmem-perf-" + label + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try {
            return new ScratchPool(name, BufferPool.create(name, config));
        } catch (RuntimeException e) {
            BufferPool.delete(name); // create may fail after the file exists
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            BufferPool.delete(name);
        }
    }
}
