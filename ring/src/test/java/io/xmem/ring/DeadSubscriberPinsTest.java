package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber killed with records it had not read keeps their buffers pinned only until someone
 * finds it dead. Found by the archive's recorder-crash test: the publisher waited in
 * {@code pool.acquire} (not back-pressured by the ring, so it never probed), the surviving
 * subscriber had read everything (so it had nothing to release, and never probed), and the pool's
 * exhaustion hook released only up to the dead subscriber's position: the publisher starved.
 */
class DeadSubscriberPinsTest {
    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @Test
    void anAcquireThatFindsThePoolEmptyFreesWhatOnlyADeadSubscriberHeld() {
        String pool = fx.pool();
        String name = fx.ring();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(4096, 2).build()));
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(1 << 16).pool(pool).build()));
        RingChildJvm victim = fx.child();
        victim.ok("OPEN " + name);
        victim.ok("SUB " + name);
        Subscription survivor = fx.track(ring.subscription());
        Publication pub = fx.track(ring.publication());
        for (int i = 0; i < 2; i++) {
            try (Buffer b = p.acquire(4096)) {
                assertTrue(pub.offer(b) > 0);
            }
        }
        assertEquals(2, survivor.poll(m -> { }, 10));
        victim.kill9(); // it never read the two records: their pins are its alone now
        assertEquals(0, survivor.poll(m -> { }, 10), "the survivor is idle at the tail");
        long start = System.nanoTime();
        try (Buffer b = p.acquire(4096, Duration.ofSeconds(10))) {
            assertTrue(b.length() == 4096);
        }
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "freed when the pool ran dry");
    }
}
