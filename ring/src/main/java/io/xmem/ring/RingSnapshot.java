package io.xmem.ring;

import java.nio.file.Path;

/**
 * A ring as an outside observer sees it, taken by {@link RingInspection#inspect} without opening
 * the ring or its pool: its counters and subscribers ({@link #stats()}), the pool it names, and
 * the pid of the last process that published (diagnostics: the process may be gone).
 */
public record RingSnapshot(Path path, String poolName, long poolId, boolean wakeups, long releasePosition,
                           long publisherPid, RingStats stats) {

    /** Whether the ring carries buffer references of a pool, or inline messages only. */
    public boolean hasPool() {
        return poolName != null;
    }
}
