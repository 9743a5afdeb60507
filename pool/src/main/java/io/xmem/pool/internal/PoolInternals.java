package io.xmem.pool.internal;

import io.xmem.pool.BufferPool;

import java.util.function.Function;

/**
 * The way from a public {@link BufferPool} to its {@link SharedPool}, for xmem's own modules
 * (a ring pins the buffers its records refer to) and tests, without making it public API.
 * {@code BufferPool} registers the accessor when its class initialises.
 */
public final class PoolInternals {
    private static volatile Function<BufferPool, SharedPool> access;

    private PoolInternals() {
    }

    public static void register(Function<BufferPool, SharedPool> accessor) {
        if (access != null) {
            throw new IllegalStateException("accessor already registered");
        }
        access = accessor;
    }

    /** The pool's per-JVM state; the pool object has initialised BufferPool, so it is set. */
    public static SharedPool shared(BufferPool pool) {
        return access.apply(pool);
    }
}
