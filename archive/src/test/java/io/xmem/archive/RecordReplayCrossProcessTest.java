package io.xmem.archive;

import io.xmem.pool.testing.LineChildJvm;
import io.xmem.ring.Publication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A recorder process records ring A while this JVM publishes mixed records into it (inline, small
 * and 100 KiB references, 8 MiB frames, one 24 MiB frame); a replay process then publishes the
 * recording into ring B, where every record must arrive byte-identical, in order, with its kind,
 * timestamp and tag. CI size: 20,000 records with five 8 MiB frames. With
 * {@code -Dxmem.archive.heavy=true} (archive/heavy-tests): 100,000 records with 100 of them.
 */
class RecordReplayCrossProcessTest {
    static final boolean HEAVY = Boolean.getBoolean("xmem.archive.heavy");

    @RegisterExtension
    final ArchiveFixture fx = new ArchiveFixture();

    @Test
    void mixedRecordsUpToA24MiBFrameAreRecordedAndReplayedIntoAnotherRingIntactAndInOrder() throws Exception {
        Records plan = HEAVY ? new Records(100_000, 1_000, 50_000) : new Records(20_000, 4_000, 10_000);
        ArchiveFixture.Host a = fx.host("a");
        ArchiveFixture.Host b = fx.host("b");
        ArchiveConfig archive = fx.archive();
        String dir = archive.directory().toString();
        ArchiveChildJvm recorder = fx.child();
        long recordingId = Long.parseLong(recorder.ok("RECORD " + dir + " " + a.ringName() + " " + a.directory()));
        try (Publication pub = a.ring().publication()) {
            plan.publish(pub, a.pool(), 0, plan.count());
        }
        awaitRecorded(recorder, plan.count() - 1);
        Map<String, String> stopped = LineChildJvm.pairs(recorder.ok("STOP", Duration.ofSeconds(60)));
        assertEquals(Long.toString(plan.count()), stopped.get("records"));
        assertFalse(ArchiveFixture.hasAeronDirectory(recorder.pid()), "the recorder left its Aeron directory");

        ArchiveChildJvm replayer = fx.child();
        try (RingChecker check = new RingChecker(b.ring().subscription(), plan, false)) {
            String published = replayer.ok("REPLAY " + dir + " " + recordingId + " " + b.ringName() + " "
                + b.directory() + " Infinity", Duration.ofSeconds(HEAVY ? 600 : 120));
            assertEquals("published=" + plan.count(), published);
            assertEquals(plan.count(), check.await(60_000), "records that reached ring B");
            assertEquals(List.of(), check.errors());
        }
        assertTrue(plan.bigOnes() >= (HEAVY ? 101 : 6), "the plan has its large frames");
    }

    static void awaitRecorded(ArchiveChildJvm recorder, long last) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(HEAVY ? 600 : 120).toNanos();
        long seen = -1;
        while (seen < last) {
            seen = Long.parseLong(LineChildJvm.pairs(recorder.ok("STATS")).get("last"));
            assertTrue(System.nanoTime() < deadline, "the recorder reached record " + seen + " of " + last);
            Thread.sleep(20);
        }
    }
}
