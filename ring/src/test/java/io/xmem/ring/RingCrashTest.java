package io.xmem.ring;

import io.xmem.pool.BufferPool;
import io.xmem.ring.internal.RecordDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static io.xmem.ring.RingCrossProcessStreamTest.REF_EVERY;
import static io.xmem.ring.RingCrossProcessStreamTest.STREAM_GUARD;
import static io.xmem.ring.RingCrossProcessStreamTest.assertSawAll;
import static io.xmem.ring.RingCrossProcessStreamTest.poolFor;
import static io.xmem.ring.RingCrossProcessStreamTest.publisher;
import static io.xmem.ring.RingCrossProcessStreamTest.subscriber;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code kill -9} of ring users mid-stream: a dead subscriber stops holding the publisher back;
 * a dead publisher leaves only complete records, and a new publisher process carries on.
 */
class RingCrashTest {
    /** Hang guard for a condition the test waits for; never a pass/fail timing. */
    private static final Duration GUARD = Duration.ofSeconds(60);

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("still waiting after " + GUARD + " for " + what);
            }
            sleep(5);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long num(Map<String, String> pairs, String key) {
        String v = pairs.get(key);
        assertNotNull(v, key + " missing in " + pairs);
        return Long.parseLong(v);
    }

    @Test
    void aKilledSubscriberStopsHoldingThePublisherBack() {
        int capacity = 16 * 1024;
        int records = 200_000;
        String pool = fx.pool();
        String name = fx.ring();
        BufferPool p = poolFor(fx, pool, capacity);
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(capacity).pool(pool).build()));
        int total = p.stats().totalBuffers();

        RingChildJvm survivor = subscriber(fx, name);
        RingChildJvm victim = subscriber(fx, name);
        survivor.ok("CONSUME " + name + " 0 " + records + " 64 " + REF_EVERY + " -1");
        victim.ok("CONSUME " + name + " 0 -1 64 " + REF_EVERY + " -1");
        RingChildJvm pub = publisher(fx, name);
        pub.ok("PUBLISH " + name + " 0 " + records + " " + REF_EVERY);

        await("the victim to consume 20,000 records", () -> num(victim.okPairs("PROGRESS"), "received") >= 20_000);
        Map<String, String> paused = victim.okPairs("PAUSE"); // idle outside poll: it holds no pin mid-release
        assertEquals("0", paused.get("errors"), paused.toString());
        // The stalled victim must now hold the publisher back (reliable flow control) ...
        long[] last = {-1, -1};
        await("the publisher to be back-pressured by the stalled victim", () -> {
            Map<String, String> r = pub.okPairs("PROGRESS");
            long published = num(r, "published");
            long bp = num(r, "backPressured");
            boolean stuck = published == last[0] && bp > last[1] + 100;
            if (published != last[0]) {
                last[0] = published;
                last[1] = bp;
            }
            return stuck;
        });
        assertTrue(last[0] < records, "the publisher stopped short of the end while the victim stalled");
        long heldBack = last[0];
        victim.kill9();

        // ... and after the kill -9 it must carry on to the end (bounded by the hang guard only).
        Map<String, String> done = pub.okPairs("AWAIT " + STREAM_GUARD.toMillis(), STREAM_GUARD.plusSeconds(5));
        assertEquals(Integer.toString(records), done.get("published"), "publisher finished after the kill: " + done
            + " (it was held at " + heldBack + ")");
        assertSawAll(survivor.okPairs("AWAIT " + STREAM_GUARD.toMillis(), STREAM_GUARD.plusSeconds(5)), 0, records,
            "surviving subscriber");
        assertEquals(1, ring.subscriberPositions().length, "the dead subscriber's entry was cleared");
        assertEquals(total, p.stats().totalFree(), "every buffer is free once the survivor passed it");
        survivor.ok("CLOSESUB " + name);
        pub.ok("CLOSEPUB " + name);
        assertEquals(total, p.stats().totalFree());
    }

    /**
     * Publishers killed at random moments (mostly inside {@code offer} or its back-pressure
     * retry); after each kill the subscribers hold a gap-free prefix of complete records, and
     * the next publisher process continues right after it.
     */
    @Test
    void killedPublishersLeaveOnlyCompleteRecordsAndANewPublisherContinues() {
        int capacity = 16 * 1024;
        int kills = 3;
        int finalRecords = 20_000;
        String pool = fx.pool();
        String name = fx.ring();
        BufferPool p = poolFor(fx, pool, capacity);
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(capacity).pool(pool).build()));
        int total = p.stats().totalBuffers();

        List<RingChildJvm> subs = List.of(subscriber(fx, name), subscriber(fx, name));
        subs.get(0).ok("CONSUME " + name + " 0 -1 64 " + REF_EVERY + " -1");
        subs.get(1).ok("CONSUME " + name + " 0 -1 7 " + REF_EVERY + " -1");
        long next = 0;
        StringBuilder observed = new StringBuilder();
        for (int round = 0; round < kills; round++) {
            RingChildJvm pub = publisher(fx, name);
            pub.ok("PUBLISH " + name + " " + next + " 100000000 " + REF_EVERY);
            long target = next + 5_000;
            await("subscribers to get past seq " + target, () -> num(subs.get(1).okPairs("PROGRESS"),
                "lastSeq") >= target);
            sleep(ThreadLocalRandom.current().nextInt(5));
            pub.kill9();

            long tail = ring.tail();
            for (RingChildJvm sub : subs) {
                await("subscriber to reach the tail " + tail, () -> num(sub.okPairs("PROGRESS"), "position") >= tail);
            }
            Map<String, String> a = subs.get(0).okPairs("PROGRESS");
            Map<String, String> b = subs.get(1).okPairs("PROGRESS");
            for (Map<String, String> r : List.of(a, b)) {
                assertEquals("0", r.get("errors"), "round " + round + ": " + r);
                // At the tail the dead publisher left, or one record past it: a publisher killed
                // between its commit and its tail store leaves a complete record the tail does not
                // cover yet (the next publisher recovers past it).
                long position = num(r, "position");
                assertTrue(position == tail || position > tail && position - tail <= 256,
                    "round " + round + ": the subscriber stopped at the tail " + tail + " or one record after it: "
                        + r);
            }
            assertEquals(num(a, "position"), num(b, "position"), "both subscribers stopped at the same place");
            long lastSeq = num(a, "lastSeq");
            assertEquals(lastSeq, num(b, "lastSeq"), "both subscribers saw the same last record");
            assertEquals(lastSeq + 1, num(a, "received"), "no gap, no duplicate: " + a);
            long published = ring.publishedCount();
            assertTrue(published == lastSeq + 1 || published == lastSeq,
                "published counter " + published + " vs last seen seq " + lastSeq);
            observed.append("round ").append(round).append(": killed after seq ").append(lastSeq).append("; ");
            next = lastSeq + 1;
        }

        RingChildJvm last = publisher(fx, name);
        last.ok("PUBLISH " + name + " " + next + " " + finalRecords + " " + REF_EVERY);
        Map<String, String> done = last.okPairs("AWAIT " + STREAM_GUARD.toMillis(), STREAM_GUARD.plusSeconds(5));
        assertEquals(Integer.toString(finalRecords), done.get("published"), done.toString());
        long end = next + finalRecords - 1;
        for (RingChildJvm sub : subs) {
            sub.okPairs("AWAITSEQ " + end + " " + GUARD.toMillis(), GUARD.plusSeconds(5));
            sub.ok("STOP");
            assertSawAll(sub.okPairs("AWAIT " + GUARD.toMillis(), GUARD.plusSeconds(5)), 0, end + 1, "subscriber");
            sub.ok("CLOSESUB " + name);
        }
        last.ok("CLOSEPUB " + name);

        p.reclaim(); // what the killed publishers held by reference (a buffer being filled)
        int free = p.stats().totalFree();
        observed.append("after reclaim ").append(total - free).append(" of ").append(total)
            .append(" buffers still in use (pins of records never committed)");
        System.out.println("killedPublishers: " + observed);
        // A publisher killed between pinning a buffer and committing its record leaks that pin
        // (accepted); every buffer of a committed record must be back.
        assertTrue(total - free <= kills, observed.toString());
    }

    // ---------------------------------------------------------------- deterministic deaths

    /** A subscriber, and a publisher that published seq 0..4 and then died (kill -9, between offers). */
    private record Quiet(String name, Path file, RingChildJvm sub, long tail) {
    }

    private Quiet ringWithADeadPublisher() {
        String name = fx.ring();
        fx.track(Ring.create(name, RingConfig.builder().capacity(4096).build()));
        RingChildJvm sub = subscriber(fx, name);
        RingChildJvm dead = publisher(fx, name);
        for (int seq = 0; seq < 5; seq++) {
            assertTrue(Long.parseLong(dead.ok("OFFER " + name + " " + seq + " 0")) > 0);
        }
        dead.kill9();
        Map<String, String> r = sub.okPairs("POLL " + name + " 100 0");
        assertEquals("0,1,2,3,4", r.get("seqs"), r.toString());
        Path file = RingFixture.ringFile(name);
        return new Quiet(name, file, sub, RingFiles.tail(file));
    }

    /**
     * A publisher killed inside {@code offer} after writing a record's bytes but before its
     * commit word (simulated by writing exactly that state into the file): the torn record is
     * never delivered, and a new publisher process writes over it and is seen next.
     */
    @Test
    void aTornRecordOfADeadPublisherIsNeverDeliveredAndANewPublisherContinues() {
        Quiet q = ringWithADeadPublisher();
        RingFiles.writeInlineRecord(q.file(), q.tail(), 999, false); // bytes, length, type: no commit
        assertEquals("0", q.sub().okPairs("POLL " + q.name() + " 100 0").get("n"), "a torn record is not delivered");

        RingChildJvm pub = publisher(fx, q.name());
        for (int seq = 5; seq < 10; seq++) {
            assertTrue(Long.parseLong(pub.ok("OFFER " + q.name() + " " + seq + " 0")) > 0);
        }
        Map<String, String> r = q.sub().okPairs("POLL " + q.name() + " 100 0");
        assertEquals("5,6,7,8,9", r.get("seqs"), r.toString());
        assertEquals("0", r.get("errors"), r.toString());
    }

    /**
     * A publisher killed inside {@code offer} between storing a record's commit word and storing
     * the ring's tail (simulated by writing exactly that state): the record is complete and a
     * caught-up subscriber may deliver it, so a new publisher must continue after it, not fail
     * and not write over it.
     */
    @Test
    void aPublisherKilledBetweenCommitAndTailLeavesARingANewPublisherCanContinue() {
        Quiet q = ringWithADeadPublisher();
        int length = RingFiles.writeInlineRecord(q.file(), q.tail(), 5, true); // committed; tail not advanced
        assertEquals(RecordDescriptor.aligned(RecordDescriptor.HEADER_LENGTH + Payloads.inlineLength(5)), length);
        Map<String, String> seen = q.sub().okPairs("POLL " + q.name() + " 100 0");
        assertEquals("5", seen.get("seqs"), "a committed record is complete: the subscriber delivers it " + seen);
        assertEquals(q.tail(), RingFiles.tail(q.file()), "the dead publisher never stored the tail");

        RingChildJvm pub = publisher(fx, q.name());
        String answer = pub.call("OFFER " + q.name() + " 6 0", RingChildJvm.ANSWER_TIMEOUT);
        assertTrue(answer.startsWith("OK ") && Long.parseLong(answer.substring(3)) > 0,
            "the new publisher's first offer after the dead one's committed record: " + answer);
        assertTrue(Long.parseLong(pub.ok("OFFER " + q.name() + " 7 0")) > 0);
        Map<String, String> r = q.sub().okPairs("POLL " + q.name() + " 100 0");
        assertEquals("6,7", r.get("seqs"), "the subscriber sees the new publisher's records next: " + r);
    }
}
