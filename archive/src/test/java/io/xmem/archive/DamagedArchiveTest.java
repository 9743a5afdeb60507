package io.xmem.archive;

import io.xmem.pool.XmemException;
import io.xmem.ring.Publication;
import io.xmem.ring.RingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An archive is untrusted: bytes changed in a segment file, a segment file cut short, a catalog
 * overwritten each give an {@link XmemException} that says which recording, where and what is
 * wrong, never a wrong record or a hang. And a lossy ring's recording notes what it lost.
 */
class DamagedArchiveTest {
    @RegisterExtension
    final ArchiveFixture fx = new ArchiveFixture();

    private final Records plan = new Records(500, Long.MAX_VALUE, -1);

    /** Records the plan in this JVM; returns the archive. */
    private ArchiveConfig recorded() throws Exception {
        ArchiveFixture.Host a = fx.host("a");
        ArchiveConfig archive = fx.archive();
        try (Recorder recorder = Recorder.launch(archive, a.ringName(), a.directory());
             Publication pub = a.ring().publication()) {
            publishRecorded(plan, recorder, pub, a, 0, plan.count());
        }
        return archive;
    }

    /** Publishes records {@code from..to-1}, the recorder reading after each: one thread does both. */
    private static void publishRecorded(Records plan, Recorder recorder, Publication pub, ArchiveFixture.Host a,
                                        long from, long to) {
        for (long k = from; k < to; k++) {
            plan.publish(pub, a.pool(), k, k + 1);
            recorder.doWork();
        }
    }

    private static Path segment(ArchiveConfig archive) {
        return archive.directory().resolve("0-0.rec");
    }

    private static void readAll(ArchiveConfig archive) {
        try (ArchiveSubscription history = ArchiveSubscription.builder(archive).ring("md").build()) {
            while (!history.isDone()) {
                history.poll(r -> { }, 256);
            }
        }
    }

    @Test
    void aFrameThatIsNotAnXmemChunkIsReportedWithItsRecordingAndPosition() throws Exception {
        ArchiveConfig archive = recorded();
        try (RandomAccessFile f = new RandomAccessFile(segment(archive).toFile(), "rw")) {
            int first = Integer.reverseBytes(f.readInt()); // Aeron frame length, little-endian
            long second = (first + 31) & ~31L;
            f.seek(second + 32 + 4); // the second frame's chunk flags
            f.writeInt(Integer.reverseBytes(0x40));
        }
        XmemException e = assertThrows(XmemException.class, () -> readAll(archive));
        assertTrue(e.getMessage().contains("recording 0 at position") && e.getMessage().contains("flags 64"),
            e.getMessage());
    }

    @Test
    void aSegmentFileCutShortIsReportedAsTruncated() throws Exception {
        ArchiveConfig archive = recorded();
        try (RandomAccessFile f = new RandomAccessFile(segment(archive).toFile(), "rw")) {
            f.setLength(1000);
        }
        CorruptArchiveException e = assertThrows(CorruptArchiveException.class, () -> Recordings.list(archive));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void anOverwrittenCatalogStopsTheArchiveFromStartingWithAReason() throws Exception {
        ArchiveConfig archive = recorded();
        Path catalog = archive.directory().resolve("archive.catalog");
        byte[] bytes = Files.readAllBytes(catalog);
        for (int i = 0; i < 64; i++) {
            bytes[i] = (byte) 0x5A;
        }
        Files.write(catalog, bytes);
        XmemException e = assertThrows(XmemException.class, () -> Recordings.list(archive));
        assertTrue(e.getMessage().startsWith("cannot start an archive in " + archive.directory()), e.getMessage());
    }

    @Test
    void aLossyRingsRecordingNotesWhatOvertookTheRecorderAndTheReplayReportsItAsGaps() throws Exception {
        ArchiveFixture.Host a = fx.host("lossy", RingConfig.builder().capacity(1 << 14).lossy(true));
        ArchiveConfig archive = fx.archive();
        Records small = new Records(5_000, Long.MAX_VALUE, -1);
        try (Recorder recorder = Recorder.launch(archive, a.ringName(), a.directory());
             Publication pub = a.ring().publication()) {
            publishRecorded(small, recorder, pub, a, 0, 1_000);
            small.publish(pub, a.pool(), 1_000, 4_000); // the recorder does not read meanwhile: overtaken
            publishRecorded(small, recorder, pub, a, 4_000, 5_000);
            assertTrue(recorder.stats().missing() > 0, recorder.stats().toString());
        }
        RecordingSummary r = Recordings.list(archive).getFirst();
        assertTrue(r.lossy() && r.missing() > 0, r::toString);
        assertEquals(r.lastSequence() - r.firstSequence() + 1, r.records() + r.missing(), r::toString);
        List<String> reasons = new ArrayList<>();
        long[] missing = {0};
        try (ArchiveSubscription history = ArchiveSubscription.builder(archive).ring("md").build()) {
            RecordHandler handler = new RecordHandler() {
                @Override
                public void onRecord(RecordView record) {
                    assertEquals(null, small.check(record.sequence(), record.segment(), record.isInline(),
                        record.timestamp(), record.tag()));
                }

                @Override
                public void onGap(long from, long to, String why) {
                    missing[0] += to - from + 1;
                    reasons.add(why);
                }
            };
            while (!history.isDone()) {
                history.poll(handler, 256);
            }
        }
        assertEquals(r.missing(), missing[0]);
        assertTrue(reasons.stream().allMatch(w -> w.contains("lossy ring overtook the recorder")), reasons::toString);
    }
}
