package io.xmem.archive;

import io.xmem.pool.testing.LineChildJvm;
import io.xmem.ring.Publication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a recorder process mid-stream, then a new recorder on the same archive directory while
 * the publisher goes on: the first recording stays readable up to its last whole record and keeps
 * what the recorder had handed over; the second starts a new recording; the records between them
 * are reported as a gap by the listing and by a replay of the ring's history, never hidden.
 */
class RecorderCrashTest {
    private static final long TOTAL = 30_000;

    @RegisterExtension
    final ArchiveFixture fx = new ArchiveFixture();

    @Test
    void aKilledRecordersRecordingStaysReadableAndTheGapToTheNextOneIsReported() throws Exception {
        Records plan = new Records(TOTAL, 3_000, -1); // small records and an 8 MiB frame every 3,000
        ArchiveFixture.Host a = fx.host("a");
        ArchiveConfig archive = fx.archive();
        String dir = archive.directory().toString();
        String record = "RECORD " + dir + " " + a.ringName() + " " + a.directory();
        ArchiveChildJvm first = fx.child();
        first.ok(record);
        // The application's own subscriber: with the recorder dead, a reliable ring with no subscriber
        // at all would refuse every offer (NOT_CONNECTED).
        RingChecker app = fx.track(new RingChecker(a.ring().subscription(), plan, false));
        AtomicLong published = new AtomicLong();
        AtomicLong limit = new AtomicLong(TOTAL / 2);
        AtomicReference<Throwable> feedFailure = new AtomicReference<>();
        Thread feed = new Thread(() -> publishPaced(plan, a, published, limit), "feed");
        feed.setUncaughtExceptionHandler((t, e) -> feedFailure.set(e));
        feed.setDaemon(true);
        feed.start();
        RecordReplayCrossProcessTest.awaitRecorded(first, 5_000);
        long handedOver = Long.parseLong(LineChildJvm.pairs(first.ok("STATS")).get("last"));
        Thread.sleep(300); // the embedded archive writes what it was handed (milliseconds)
        first.kill9();
        limit.set(published.get() + 2_000); // records published while no recorder runs
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (published.get() < limit.get()) { // the publisher passes the dead subscriber by
            assertTrue(feed.isAlive() && System.nanoTime() < deadline, () -> "the feed stopped at " + published.get()
                + ": " + feedFailure.get() + "; ring " + a.ring().stats() + "; app received " + app.received());
            Thread.sleep(5);
        }
        ArchiveChildJvm second = fx.child();
        second.ok(record); // takes over the directory the killed recorder left locked-looking
        limit.set(TOTAL);
        feed.join(120_000);
        assertFalse(feed.isAlive(), "the feed finished");
        RecordReplayCrossProcessTest.awaitRecorded(second, TOTAL - 1);
        second.ok("STOP", Duration.ofSeconds(60));
        assertEquals(TOTAL, app.await(60_000), "the application's subscriber got everything");
        assertEquals(List.of(), app.errors());

        List<RecordingSummary> list = Recordings.list(archive);
        assertEquals(2, list.size(), list::toString);
        RecordingSummary killed = list.get(0);
        RecordingSummary restarted = list.get(1);
        assertFalse(killed.clean(), killed::toString);
        assertTrue(killed.lastSequence() >= handedOver, "kept what the recorder had handed over: " + killed);
        assertEquals(killed.lastSequence() - killed.firstSequence() + 1, killed.records(), killed::toString);
        assertTrue(restarted.clean(), restarted::toString);
        assertEquals(TOTAL - 1, restarted.lastSequence());
        long gap = restarted.firstSequence() - killed.lastSequence() - 1;
        assertTrue(gap > 0, "records were published while no recorder ran: " + list);
        assertEquals(gap, restarted.gapBefore(), "the listing reports the gap");

        History history = History.read(archive, a.ringName(), plan);
        assertEquals(List.of(), history.errors());
        assertEquals(killed.records() + restarted.records(), history.records(), "every recorded record, once");
        assertEquals(gap, history.missing(), "the replay reports exactly the records no recorder saw: "
            + history.gaps());
        assertEquals(TOTAL, killed.firstSequence() + history.records() + history.missing());
    }

    /** What a history-only subscription to a ring's recordings delivered: records, gaps, content errors. */
    record History(long records, long missing, List<String> gaps, List<String> errors) {
        static History read(ArchiveConfig archive, String ring, Records plan) {
            List<String> gaps = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            long[] records = new long[1];
            RecordHandler check = new RecordHandler() {
                @Override
                public void onRecord(RecordView r) {
                    String why = plan.check(r.sequence(), r.segment(), r.isInline(), r.timestamp(), r.tag());
                    if (why != null && errors.size() < 10) {
                        errors.add(why);
                    }
                    records[0]++;
                }

                @Override
                public void onGap(long from, long to, String why) {
                    gaps.add(from + ".." + to + " " + why);
                }
            };
            try (ArchiveSubscription history = ArchiveSubscription.builder(archive).ring(ring).build()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (!history.isDone() && System.nanoTime() < deadline) {
                    history.poll(check, 256);
                }
                assertTrue(history.isDone(), "the history was read to its end");
                return new History(records[0], history.missing(), gaps, errors);
            }
        }
    }

    /** 100 records every 2 ms until the plan is through, holding whenever it reaches {@code limit}. */
    private static void publishPaced(Records plan, ArchiveFixture.Host a, AtomicLong published, AtomicLong limit) {
        try (Publication pub = a.ring().publication()) {
            for (long k = 0; k < plan.count(); k += 100) {
                while (k >= limit.get()) {
                    Thread.sleep(1);
                }
                plan.publish(pub, a.pool(), k, Math.min(plan.count(), k + 100));
                published.set(k + 100);
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
