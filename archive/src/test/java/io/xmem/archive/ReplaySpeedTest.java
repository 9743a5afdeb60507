package io.xmem.archive;

import io.xmem.ring.Publication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replay at the original pace keeps the recorded spacing, at twice the speed half of it, at full
 * speed none of it: each checked as the ratio of the replayed span (arrivals in the target ring) to
 * the recorded span (the recorder's receive times), never as a time of its own.
 */
class ReplaySpeedTest {
    private static final int RECORDS = 30;
    private static final long SPACING_MILLIS = 20;

    @RegisterExtension
    final ArchiveFixture fx = new ArchiveFixture();

    @Test
    void theReplayedSpacingIsTheRecordedOneOverTheSpeed() throws Exception {
        // Inline, small and 100 KiB references: each replays in well under the spacing on a busy machine.
        Records plan = new Records(RECORDS, Long.MAX_VALUE, -1);
        ArchiveFixture.Host a = fx.host("a");
        ArchiveConfig archive = fx.archive();
        String dir = archive.directory().toString();
        ArchiveChildJvm recorder = fx.child();
        long recordingId = Long.parseLong(recorder.ok("RECORD " + dir + " " + a.ringName() + " " + a.directory()));
        try (Publication pub = a.ring().publication()) {
            for (long k = 0; k < RECORDS; k++) {
                plan.publish(pub, a.pool(), k, k + 1);
                Thread.sleep(SPACING_MILLIS);
            }
        }
        RecordReplayCrossProcessTest.awaitRecorded(recorder, RECORDS - 1);
        recorder.ok("STOP", Duration.ofSeconds(60));
        long recorded = recordedSpan(archive, recordingId);
        assertTrue(recorded >= (RECORDS - 1) * SPACING_MILLIS * 1_000_000, "the recorder saw the spacing");

        ArchiveChildJvm replayer = fx.child();
        double original = replayedSpan(replayer, archive, recordingId, plan, "1") / (double) recorded;
        double twice = replayedSpan(replayer, archive, recordingId, plan, "2") / (double) recorded;
        double max = replayedSpan(replayer, archive, recordingId, plan, "Infinity") / (double) recorded;
        String ratios = "replayed ÷ recorded span: original " + original + ", twice " + twice + ", max " + max;
        assertTrue(original >= 0.95 && original <= 1.5, ratios);
        assertTrue(twice >= 0.45 && twice <= 0.8, ratios);
        assertTrue(max < 0.25, ratios);
    }

    /** From the first record's receive time to the last one's, as the recording says. */
    private static long recordedSpan(ArchiveConfig archive, long recordingId) {
        long[] span = {Long.MAX_VALUE, 0};
        try (ArchiveSubscription history = ArchiveSubscription.builder(archive).recording(recordingId).build()) {
            while (!history.isDone()) {
                history.poll(r -> {
                    span[0] = Math.min(span[0], r.receivedAt());
                    span[1] = Math.max(span[1], r.receivedAt());
                }, 64);
            }
        }
        return span[1] - span[0];
    }

    /** Replays into a fresh ring at {@code speed}; the span between the first and the last arrival there. */
    private long replayedSpan(ArchiveChildJvm replayer, ArchiveConfig archive, long recordingId, Records plan,
                              String speed) throws Exception {
        ArchiveFixture.Host b = fx.host("b" + speed);
        try (RingChecker check = new RingChecker(b.ring().subscription(), plan, true)) {
            assertEquals("published=" + RECORDS, replayer.ok("REPLAY " + archive.directory() + " " + recordingId + " "
                + b.ringName() + " " + b.directory() + " " + speed, Duration.ofSeconds(60)));
            assertEquals(RECORDS, check.await(30_000));
            assertEquals(List.of(), check.errors());
            long[] at = check.arrivals();
            return at[RECORDS - 1] - at[0];
        }
    }
}
