package io.xmem.ring;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.pool.internal.shm.MappedFile;
import io.xmem.pool.internal.shm.OpenFiles;
import io.xmem.pool.internal.shm.SharedFile;
import io.xmem.ring.internal.RingCounters;
import io.xmem.ring.internal.RingFiles;
import io.xmem.ring.internal.RingLayout;
import io.xmem.ring.internal.RingStatsReader;

import java.nio.file.Path;

/**
 * Looks at a ring without opening it: maps the ring file read-only, validates its header as an
 * opener does, reads the counters and the subscriber table, and tests each ACTIVE subscriber's
 * liveness with a shared lock on its byte of {@code NAME.ring.lock}, dropped at once. Unlike
 * {@link Ring#open}, it neither opens the ring's pool (so it joins no pool and frees nothing)
 * nor writes anything.
 *
 * <pre>{@code
 * RingSnapshot s = RingInspection.inspect("md", Path.of("/dev/shm"));
 * s.stats().subscribers().forEach(sub -> System.out.println(sub.pid() + " lags " + sub.lag()));
 * }</pre>
 */
public final class RingInspection {
    private RingInspection() {
    }

    /** Inspects a ring in {@code /dev/shm}. */
    public static RingSnapshot inspect(String name) {
        return inspect(name, PoolConfig.DEFAULT_DIRECTORY);
    }

    /**
     * Inspects the ring {@code name} in {@code directory}: {@link RingNotFoundException} if absent,
     * {@link IncompatibleLayoutException} if the file is not a valid ring (or not READY within 5 s).
     */
    public static RingSnapshot inspect(String name, Path directory) {
        MappedFile<RingLayout> mapped = SharedFile.open(RingFiles.FORMAT, directory, name, true, RingLayout::read);
        try {
            // Liveness through this JVM's lock channel of the ring if it has one, else a read-only one of our own.
            return OpenFiles.withLocks(RingFiles.FORMAT, directory, name,
                (locks, open) -> snapshot(name, mapped, locks));
        } finally {
            mapped.close();
        }
    }

    private static RingSnapshot snapshot(String name, MappedFile<RingLayout> mapped, ByteLocks locks) {
        RingLayout layout = mapped.layout();
        RingCounters counters = new RingCounters(mapped.segment());
        RingStats stats = RingStatsReader.read(name, layout, mapped.segment(), locks);
        return new RingSnapshot(mapped.path(), layout.poolName(), layout.poolId(), layout.wakeups(),
            counters.releasePositionVolatile(), counters.publisherPidOpaque(), stats);
    }
}
