package io.xmem.ring.internal;

import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.ring.RingStats;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a ring's stats from its file, for {@code Ring.stats()} and {@code RingInspection} alike:
 * counters, the subscribers in use and the publications in use, each with its liveness probed
 * through {@code locks} (shared probes, dropped at once; a publication that opens at that moment
 * retries, see {@link MappedRing#enterPublishing}).
 */
public final class RingStatsReader {
    private RingStatsReader() {
    }

    public static RingStats read(String name, RingLayout layout, MemorySegment file, ByteLocks locks) {
        RingCounters counters = new RingCounters(file);
        SubscriberTable table = new SubscriberTable(file, layout);
        // The positions first, the tail after: a lag is then never negative (the tail only grows).
        // A subscriber can still be ahead of the stored tail: it reads a record as soon as the
        // record's commit word is stored, and its publisher stores the tail after that. The tail
        // shown is then that subscriber's position, the end of what is committed (only within one
        // log of the stored tail: a position further ahead is damage, and is shown as it is).
        List<RingStats.SubscriberStats> subscribers = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < table.capacity(); i++) {
            int state = table.stateAcquire(i);
            if (state != SubscriberDescriptor.STATE_EMPTY) {
                indexes.add(i);
                positions.add(state == SubscriberDescriptor.STATE_EVICTED ? -1 : table.positionAcquire(i));
            }
        }
        long stored = counters.tailAcquire();
        long tail = stored;
        for (long position : positions) {
            if (position > tail && position - stored <= layout.capacity()) {
                tail = position;
            }
        }
        for (int n = 0; n < indexes.size(); n++) {
            int i = indexes.get(n);
            boolean evicted = positions.get(n) < 0;
            long position = evicted ? table.positionAcquire(i) : positions.get(n);
            long lag = evicted ? table.evictedLagPlain(i) : Math.max(0, tail - position);
            subscribers.add(new RingStats.SubscriberStats(i, table.pidPlain(i), locks.isHeld(i), position, lag,
                table.lostOpaque(i), evicted, table.label(i)));
        }
        return new RingStats(name, layout.capacity(), layout.lossy(), tail, counters.publishedOpaque(),
            counters.backPressuredOpaque(), counters.lapsOpaque(), List.copyOf(subscribers),
            publishers(layout, file, counters, locks));
    }

    private static List<RingStats.PublisherStats> publishers(RingLayout layout, MemorySegment file,
                                                             RingCounters counters, ByteLocks locks) {
        PublicationTable table = new PublicationTable(file, layout);
        long turn = counters.publishLockVolatile();
        List<RingStats.PublisherStats> rows = new ArrayList<>();
        for (int k = 0; k < PublicationDescriptor.ENTRIES; k++) {
            if (table.stateAcquire(k) != PublicationDescriptor.STATE_ACTIVE) {
                continue;
            }
            boolean alive = locks.isHeld(MappedRing.PUBLISHER_LOCK + k);
            rows.add(new RingStats.PublisherStats(k, table.pidPlain(k), table.label(k), alive, k > 0,
                k > 0 && turn == k));
        }
        return List.copyOf(rows);
    }
}
