package io.xmem.stress;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.CorruptPoolException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.StaleTokenException;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real pools in {@code /dev/shm} for the stress tests: one per test class, created on first use
 * under a name unique to this JVM and unlinked by a shutdown hook, so a forked jcstress VM that
 * exits, normally or by {@code System.exit}, leaves nothing behind.
 *
 * <p>jcstress keeps many states alive at once (a stride of states per actor round, plus the
 * footprint probe that sizes strides), and every state holds its buffers until its arbiter has
 * run. The pools are therefore sized for {@link #MANY} live states, not for one race.
 */
final class StressPools {
    /** Buffers in a class that backs one buffer per live state; far above what jcstress keeps alive. */
    static final int MANY = 1 << 18;
    /** The buffer size of every class the tests use: the protocol does not look at the bytes. */
    static final int BUFFER = 64;

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private StressPools() {
    }

    /** Creates a pool named after {@code test} and this JVM; it is closed and deleted at exit. */
    static BufferPool create(String test, PoolConfig config) {
        String name = "xmem-stress-" + test + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        // A leftover of a recycled pid, never another run's live pool: pids are unique while alive.
        BufferPool.delete(name);
        BufferPool pool = BufferPool.create(name, config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pool.close();
            } finally {
                BufferPool.delete(name);
            }
        }, "delete " + name));
        return pool;
    }

    /** A pool with one class of {@link #MANY} buffers: one buffer per live state. */
    static BufferPool perState(String test) {
        return create(test, PoolConfig.builder().sizeClass(BUFFER, MANY).build());
    }

    /** Bit of this process in every holder mask of {@code pool}. */
    static long myBit(BufferPool pool) {
        return 1L << pool.participantIndex();
    }

    /** True if this process's bit is set in the holder mask of the slot {@code token} names. */
    static boolean heldHere(BufferPool pool, long token) {
        return (pool.holders(token) & myBit(pool)) != 0;
    }

    /** The slot a token names: its low 24 bits (pool/LAYOUT.md, "Tokens"). */
    static int slotOf(long token) {
        return (int) (token & 0xFF_FFFF);
    }

    /**
     * True if {@code token} no longer names a live buffer: attaching to it fails as stale. A
     * token that still attaches is released again at once, so the probe leaves nothing held.
     */
    static boolean isStale(BufferPool pool, long token) {
        Buffer probe;
        try {
            probe = pool.attach(token);
        } catch (StaleTokenException e) {
            return true;
        }
        probe.close();
        return false;
    }

    /**
     * Closes a handle; false if the pool found its own bookkeeping broken on the way
     * ({@link CorruptPoolException} when the handle's holder bit is already gone,
     * {@link IllegalStateException} when the process's count no longer matches the handle). Arbiters use it
     * so that such a protocol violation is counted as the test's forbidden outcome instead of
     * aborting the fork.
     */
    static boolean closeCleanly(Buffer buffer) {
        try {
            buffer.close();
            return true;
        } catch (CorruptPoolException | IllegalStateException e) {
            return false; // bit already gone, or counts that no longer match the handle's generation
        }
    }
}
