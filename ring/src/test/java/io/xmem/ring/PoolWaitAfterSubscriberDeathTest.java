package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.xmem.ring.RingCrossProcessStreamTest.STREAM_GUARD;
import static io.xmem.ring.RingCrossProcessStreamTest.subscriber;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publisher that publishes only references and waits for pool buffers in
 * {@code acquire(size, timeout)} (as the video example does) must get buffers again after a
 * subscriber whose unread records pin every buffer is killed: nobody offers meanwhile, so only
 * the pool's exhaustion hook can find the dead subscriber (issue 13, item 1: 6 of 6 rounds stuck
 * in 0.1).
 */
class PoolWaitAfterSubscriberDeathTest {
    private static final int BUFFERS = 16;
    private static final int RECORDS = 200;
    /** Hang guard of one acquire; the dead subscriber is found in milliseconds. */
    private static final Duration ACQUIRE = Duration.ofSeconds(30);

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @Test
    void aDeadSubscriberPinningEveryBufferIsFoundWhileThePublisherWaitsForThePool() {
        String pool = fx.pool();
        String name = fx.ring();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(Payloads.REF_SIZE, BUFFERS)
            .build()));
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(16 * 1024).pool(pool).build()));
        RingChildJvm survivor = subscriber(fx, name);
        RingChildJvm victim = subscriber(fx, name); // joins and never polls: its records pin every buffer
        survivor.ok("CONSUME " + name + " 0 " + RECORDS + " 16 1 -1");
        Publication pub = fx.track(ring.publication());
        for (long seq = 0; seq < RECORDS; seq++) {
            if (seq == BUFFERS) {
                assertEquals(0, p.stats().totalFree(), "the silent subscriber pins every buffer");
                // Killed while this thread waits in acquire below, where nothing else looks at the ring.
                CompletableFuture.runAsync(victim::kill9,
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
            }
            try (Buffer b = p.acquire(Payloads.REF_SIZE, ACQUIRE)) { // PoolExhaustedException if never freed
                Payloads.fillBuffer(b.segment(), seq);
                long offset = Payloads.refOffset(seq);
                long r;
                while ((r = pub.offer(b, offset, Payloads.REF_SIZE - offset, Payloads.timestamp(seq), seq)) < 0) {
                    assertTrue(r == Publication.BACK_PRESSURED, "offer " + seq + " gave " + r);
                    Thread.onSpinWait();
                }
            }
        }
        Map<String, String> seen = survivor.okPairs("AWAIT " + STREAM_GUARD.toMillis(), STREAM_GUARD.plusSeconds(5));
        assertEquals(Integer.toString(RECORDS), seen.get("received"), seen.toString());
        assertEquals(Integer.toString(RECORDS), seen.get("references"), seen.toString());
        assertEquals("0", seen.get("errors"), "every payload intact: " + seen);
        assertEquals(1, ring.subscriberPositions().length, "the dead subscriber's entry was cleared");
    }
}
