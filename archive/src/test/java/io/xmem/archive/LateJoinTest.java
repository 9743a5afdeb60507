package io.xmem.archive;

import io.xmem.pool.testing.LineChildJvm;
import io.xmem.ring.Publication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber process that starts after 50,000 records receives all 100,000, each exactly once,
 * in order and intact: the first ones from the recorder's recording, the rest from the live ring,
 * with the seam between them decided by sequence numbers while the publisher keeps publishing.
 */
class LateJoinTest {
    @RegisterExtension
    final ArchiveFixture fx = new ArchiveFixture();

    @Test
    void aSubscriberStartedAfter50000RecordsReceivesAll100000ExactlyOnce() throws Exception {
        Records plan = new Records(100_000, 40_000, -1); // small records, two 8 MiB frames
        ArchiveFixture.Host a = fx.host("a");
        ArchiveConfig archive = fx.archive();
        String dir = archive.directory().toString();
        ArchiveChildJvm recorder = fx.child();
        recorder.ok("RECORD " + dir + " " + a.ringName() + " " + a.directory());
        ArchiveChildJvm joiner = fx.child();
        try (Publication pub = a.ring().publication()) {
            plan.publish(pub, a.pool(), 0, 50_000);
            RecordReplayCrossProcessTest.awaitRecorded(recorder, 49_999);
            joiner.ok("JOIN " + dir + " " + a.ringName() + " " + a.directory() + " " + plan.spec() + " 99999");
            for (long k = 50_000; k < 90_000; k += 1_000) { // the feed goes on while the joiner catches up
                plan.publish(pub, a.pool(), k, k + 1_000);
                Thread.sleep(2);
            }
            awaitLive(joiner);
            plan.publish(pub, a.pool(), 90_000, 100_000);
        }
        Map<String, String> r = LineChildJvm.pairs(joiner.ok("AWAIT_JOINER 60000", Duration.ofSeconds(70)));
        assertEquals("null", r.get("error"));
        assertEquals("100000", r.get("received"));
        assertEquals("0", r.get("missing"));
        long history = Long.parseLong(r.get("history"));
        long live = Long.parseLong(r.get("live"));
        assertEquals(100_000, history + live, "each record once, from one side of the seam or the other");
        assertTrue(history >= 50_000, "what was published before the joiner started came from the archive: " + r);
        assertTrue(live >= 10_000, "what was published after it went live came from the ring: " + r);
    }

    private static void awaitLive(ArchiveChildJvm joiner) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!LineChildJvm.pairs(joiner.ok("JOINER")).get("live").equals("true")) {
            assertTrue(System.nanoTime() < deadline, "the joiner never went live: " + joiner.ok("JOINER"));
            Thread.sleep(10);
        }
    }
}
