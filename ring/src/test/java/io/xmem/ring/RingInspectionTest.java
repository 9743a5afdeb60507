package io.xmem.ring;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RingInspection} reads a ring from outside: counters and subscribers as they are, a killed
 * subscriber shown dead, and neither the ring nor its pool joined.
 */
class RingInspectionTest {
    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @Test
    void aKilledSubscriberShowsDeadAndLookingJoinsNothing() {
        String pool = fx.pool();
        String name = fx.ring();
        fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(4096, 8).build())).close();
        fx.track(Ring.create(name, RingConfig.builder().capacity(64 * 1024).pool(pool).build())).close();
        RingChildJvm live = RingCrossProcessStreamTest.subscriber(fx, name);
        RingChildJvm victim = RingCrossProcessStreamTest.subscriber(fx, name);
        RingChildJvm publisher = RingCrossProcessStreamTest.publisher(fx, name);
        for (int seq = 0; seq < 5; seq++) {
            assertTrue(Long.parseLong(publisher.ok("OFFER " + name + " " + seq + " 2")) > 0);
        }
        victim.kill9();

        RingSnapshot s = RingInspection.inspect(name);

        assertEquals(pool, s.poolName());
        RingStats stats = s.stats();
        assertEquals(5, stats.published());
        assertFalse(stats.lossy());
        List<RingStats.SubscriberStats> subs = stats.subscribers().stream()
            .sorted(Comparator.comparingLong(RingStats.SubscriberStats::pid)).toList();
        assertEquals(2, subs.size(), stats.toString());
        for (RingStats.SubscriberStats sub : subs) {
            assertEquals(sub.pid() == live.pid(), sub.alive(), stats.toString());
            assertEquals(stats.tail(), sub.lag(), "nothing read yet: " + stats);
        }
        assertEquals(publisher.pid(), s.publisherPid());
        PoolSnapshot p = PoolInspection.inspect(pool);
        assertTrue(p.participants().stream().noneMatch(x -> x.pid() == ProcessHandle.current().pid()),
            "inspecting the ring did not open its pool here: " + p);
        assertEquals(2, p.sizeClasses().getFirst().pinned(), "records 1 and 3 are references, pinned by the ring: "
            + p);
    }
}
