package io.xmem.stress.ring;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real rings (and their pools) in {@code /dev/shm} for the ring's stress tests: one per test
 * class, created on first use under a name unique to this JVM, closed and unlinked by a shutdown
 * hook. Unlike a pool, a ring is one stream, so the tests share it across jcstress states: an
 * actor call publishes or polls the next records of the stream, and what it finds is judged by
 * the records' own content (every payload spells one value, the record's number), never by which
 * state published it.
 */
final class StressRings {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private StressRings() {
    }

    /**
     * Creates a ring for {@code test} from {@code config} (without a directory or pool: set here)
     * with, if {@code bufferSize > 0}, a pool of {@code buffers} buffers of that size. One
     * shutdown hook closes the ring (which unpins what nobody will read), then the pool, and
     * deletes both: hooks run concurrently, so one hook keeps that order.
     */
    static Ring create(String test, RingConfig.Builder config, int bufferSize, int buffers) {
        String name = "xmem-stress-" + test + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        // Leftovers of a recycled pid, never another run's files: pids are unique while alive.
        Ring.delete(name);
        BufferPool.delete(name);
        BufferPool pool = null;
        if (bufferSize > 0) {
            pool = BufferPool.create(name, PoolConfig.builder().sizeClass(bufferSize, buffers).build());
            config.pool(name);
        }
        Ring ring;
        try {
            ring = Ring.create(name, config.build());
        } catch (RuntimeException | Error e) {
            if (pool != null) {
                pool.close();
                BufferPool.delete(name);
            }
            throw e;
        }
        BufferPool created = pool;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                ring.close();
                if (created != null) {
                    created.close();
                }
            } finally {
                Ring.delete(name);
                BufferPool.delete(name);
            }
        }, "delete " + name));
        return ring;
    }

    /** Fills {@code payload} with {@code value}, one long after the other. */
    static void spell(MemorySegment payload, long value) {
        for (long at = 0; at < payload.byteSize(); at += Long.BYTES) {
            payload.set(ValueLayout.JAVA_LONG_UNALIGNED, at, value);
        }
    }

    /** The value every long of {@code payload} spells, or -1 if they differ (a torn or mixed copy). */
    static long spelled(MemorySegment payload) {
        long value = payload.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        for (long at = Long.BYTES; at < payload.byteSize(); at += Long.BYTES) {
            if (payload.get(ValueLayout.JAVA_LONG_UNALIGNED, at) != value) {
                return -1;
            }
        }
        return value;
    }
}
