package io.xmem.ring;

import io.xmem.pool.BufferPool;
import io.xmem.pool.XmemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Map;

import static io.xmem.ring.RingCrossProcessStreamTest.REF_EVERY;
import static io.xmem.ring.RingCrossProcessStreamTest.STREAM_GUARD;
import static io.xmem.ring.RingCrossProcessStreamTest.assertSawAll;
import static io.xmem.ring.RingCrossProcessStreamTest.poolFor;
import static io.xmem.ring.RingCrossProcessStreamTest.publisher;
import static io.xmem.ring.RingCrossProcessStreamTest.subscriber;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow subscribers on a reliable ring with a subscriber timeout (issue 14, item 3): a live
 * subscriber that stops (SIGSTOP: a GC pause, a debugger) is evicted once it has held the
 * publisher back for longer than the timeout; the other subscriber receives everything, the
 * buffers the stopped one held are released, and when it runs again its next poll says it was
 * evicted and how far behind it was.
 */
class SubscriberEvictionTest {
    private static final int CAPACITY = 16 * 1024;
    private static final int RECORDS = 20_000;

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    @Test
    void aStoppedSubscriberIsEvictedAndTheOthersGetEverything() throws Exception {
        String pool = fx.pool();
        String name = fx.ring();
        BufferPool p = poolFor(fx, pool, CAPACITY);
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).pool(pool)
            // Long enough that a busy machine's scheduler never holds the running survivor back that long (at
            // 300 ms, with seven loads on two cores, it was evicted too once, and the publisher had nobody left).
            .subscriberTimeout(Duration.ofSeconds(2)).build()));
        RingChildJvm survivor = subscriber(fx, name);
        RingChildJvm victim = subscriber(fx, name);
        survivor.ok("CONSUME " + name + " 0 " + RECORDS + " 16 " + REF_EVERY + " -1");
        victim.ok("CONSUME " + name + " 0 -1 16 " + REF_EVERY + " -1");
        signal("STOP", victim.pid()); // it stops wherever it is, inside poll or not
        RingChildJvm pub = publisher(fx, name);
        pub.ok("PUBLISH " + name + " 0 " + RECORDS + " " + REF_EVERY);

        Map<String, String> done = pub.okPairs("AWAIT " + STREAM_GUARD.toMillis(), STREAM_GUARD.plusSeconds(5));
        assertEquals(Integer.toString(RECORDS), done.get("published"), "the publisher went on: " + done);
        assertSawAll(survivor.okPairs("AWAIT " + STREAM_GUARD.toMillis(), STREAM_GUARD.plusSeconds(5)), 0, RECORDS,
            "surviving subscriber");
        RingStats.SubscriberStats stopped = ring.stats().subscribers().stream().filter(s -> s.pid() == victim.pid())
            .findFirst().orElseThrow();
        assertTrue(stopped.evicted() && stopped.alive(), "evicted while alive: " + stopped);
        assertTrue(stopped.lag() > 0, stopped.toString());

        signal("CONT", victim.pid());
        Map<String, String> evicted = victim.okPairs("AWAIT " + STREAM_GUARD.toMillis(), STREAM_GUARD.plusSeconds(5));
        String failure = evicted.get("failure");
        assertTrue(failure != null && failure.startsWith("SubscriberEvictedException:") && failure.contains("behind"),
            "its next poll says it was evicted and how far behind: " + evicted);
        assertEquals("0", evicted.get("errors"), "and nothing it delivered was torn: " + evicted);
        survivor.ok("CLOSESUB " + name);
        victim.ok("CLOSESUB " + name);
        pub.ok("CLOSEPUB " + name);
        assertEquals(p.stats().totalBuffers(), p.stats().totalFree(), "every buffer came back");
    }

    @Test
    void anOperatorEvictsBySubscriberIndexOnlyWhereTheRingAllowsIt() {
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY)
            .subscriberTimeout(Duration.ofMinutes(10)).build()));
        Subscription sub = fx.track(ring.subscription());
        Publication pub = fx.track(ring.publication());
        assertTrue(pub.offer(MemorySegment.ofArray(new byte[8])) > 0);
        int index = ring.stats().subscribers().getFirst().index();
        assertTrue(ring.evict(index));
        assertFalse(ring.evict(index), "evicted already");
        SubscriberEvictedException e = assertThrows(SubscriberEvictedException.class, () -> sub.poll(m -> { }, 10));
        assertEquals(ring.stats().subscribers().getFirst().lag(), e.lag());
        assertTrue(ring.stats().subscribers().getFirst().evicted());
        assertEquals(Publication.NOT_CONNECTED, pub.offer(MemorySegment.ofArray(new byte[8])),
            "an evicted subscriber no longer counts as a reader");

        String strict = fx.ring();
        Ring reliable = fx.track(Ring.create(strict, RingConfig.builder().capacity(CAPACITY).build()));
        fx.track(reliable.subscription());
        XmemException refused = assertThrows(XmemException.class, () -> reliable.evict(0));
        assertTrue(refused.getMessage().contains("subscriberTimeout"), refused.getMessage());
    }
}
