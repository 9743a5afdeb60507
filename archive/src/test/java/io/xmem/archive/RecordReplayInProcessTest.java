package io.xmem.archive;

import io.xmem.ring.Publication;
import io.xmem.ring.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A recorder, a listing and a replay in one JVM: the whole path, quickly, before the cross-process tests. */
class RecordReplayInProcessTest {
    @RegisterExtension
    final ArchiveFixture fx = new ArchiveFixture();

    @Test
    void everyKindOfRecordIsRecordedListedAndReplayedIntoAnotherRingByteForByte() throws Exception {
        ArchiveFixture.Host a = fx.host("a");
        ArchiveFixture.Host b = fx.host("b");
        ArchiveConfig archive = fx.archive();
        Records plan = new Records(3_000, 1_000, 1_500);
        Recorder recorder = Recorder.launch(archive, a.ringName(), a.directory());
        Thread loop = new Thread(recorder::run, "recorder");
        loop.start();
        try (Publication pub = a.ring().publication()) {
            plan.publish(pub, a.pool(), 0, plan.count());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (recorder.stats().lastSequence() < plan.count() - 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        recorder.stop();
        loop.join();
        recorder.close();

        List<RecordingSummary> recordings = Recordings.list(archive);
        assertEquals(1, recordings.size(), recordings::toString);
        RecordingSummary r = recordings.getFirst();
        assertEquals("md", r.ring());
        assertTrue(r.clean(), r::toString);
        assertEquals(plan.count(), r.records());
        assertEquals(0, r.firstSequence());
        assertEquals(plan.count() - 1, r.lastSequence());

        List<String> errors = new ArrayList<>();
        long[] next = {0};
        try (Subscription check = b.ring().subscription();
             Replay replay = Replay.into(ArchiveSubscription.builder(archive).ring("md").build(), b.ringName(),
                 b.directory(), Replay.MAX_SPEED)) {
            Thread replaying = new Thread(replay::run, "replay");
            replaying.start();
            while (next[0] < plan.count() && System.nanoTime() < deadline) {
                check.poll(m -> {
                    String why = plan.check(next[0], m.segment(), m.isInline(), m.timestamp(), m.tag());
                    if (why != null && errors.size() < 10) {
                        errors.add(why);
                    }
                    next[0]++;
                }, 64);
            }
            replaying.join();
            assertEquals(plan.count(), replay.published());
        }
        assertEquals(List.of(), errors);
        assertEquals(plan.count(), next[0]);
    }
}
