package io.xmem.perf.harness.peers.chronicle;

import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Chronicle Queue (open-source, {@code SingleChronicleQueue}) in a directory under {@code /dev/shm}:
 * the persisted, memory-mapped journal a user of Chronicle picks to pass messages between JVMs.
 *
 * <p><b>Fairness.</b> The publisher builds each message in its own native buffer and copies all of
 * it into the queue's mapped file with an {@code ExcerptAppender} ({@code writingDocument}); each
 * subscriber has its own {@code ExcerptTailer}, started at the beginning of the queue, and reads the
 * header and the last 8 bytes in the mapped file. Fan-out: every tailer sees every message, from one
 * copy. Nothing is allocated per message. Chronicle never back-pressures: the queue is a journal, it
 * keeps every message, so {@code offer} always succeeds and the files grow by the whole run.
 *
 * <p><b>Largest message.</b> Chronicle's limit is a 1 GiB excerpt; what binds first is room in
 * {@code /dev/shm} for a journal of every message of the run ({@link #maxMessageLength}), so large
 * payloads are measured only with as many messages as fit.
 *
 * <p><b>JDK 25.</b> Chronicle opens JDK internals by reflection. The child JVMs that run it need
 * {@link #JVM_FLAGS} ({@link #childJvmFlags}); without them building a queue fails (no
 * {@code java.lang.reflect}: it cannot map files; no {@code sun.nio.ch}: it silently opens the queue
 * read-only and refuses to append).
 * Chronicle classes are only touched in the children ({@link #publisher}, {@link #subscriber}), so
 * the harness process itself needs no flags. Optional, only to quiet warnings:
 * {@code --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED} (Chronicle's preferred cleaner) and
 * {@code --enable-native-access=ALL-UNNAMED} (jffi, loaded by Chronicle's posix layer).
 *
 * <p>Chronicle's usage analytics ({@code chronicle-analytics}, which would post to Google Analytics)
 * is excluded from the build, and {@code chronicle.analytics.disable} is set before any Chronicle
 * class loads.
 */
public final class ChronicleQueueTransport implements Transport {
    /** What a JVM running Chronicle Queue on JDK 25 needs, found by removing flags until it broke. */
    public static final List<String> JVM_FLAGS = List.of(
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");

    /** Chronicle's largest excerpt: the length field of its 4-byte header holds 30 bits. */
    static final int MAX_EXCERPT_LENGTH = (1 << 30) - 1;
    /** Bytes a queue spends per message beyond the payload (header, padding), rounded up generously. */
    static final int PER_MESSAGE_OVERHEAD = 64;
    /** Share of {@code /dev/shm}'s free space one run's journals may take. */
    static final double SPACE_SHARE = 0.5;

    static final String DIR_KEY = "dir";

    @Override
    public String name() {
        return "chronicle-queue";
    }

    @Override
    public boolean supportsFanOut() {
        return true;
    }

    @Override
    public List<String> childJvmFlags() {
        return JVM_FLAGS;
    }

    /**
     * The largest message whose whole run (warm-up included, and the echo queue of a round trip)
     * fits in half of {@code /dev/shm}'s free space, at most Chronicle's 1 GiB excerpt.
     */
    @Override
    public int maxMessageLength(RunSpec spec) {
        long messages = Math.max(1, spec.messages() + spec.warmupMessages());
        long queues = spec.mode() == RunSpec.Mode.ROUND_TRIP ? 2 : 1;
        long room;
        try {
            FileStore shm = Files.getFileStore(Path.of("/dev/shm"));
            room = (long) (shm.getUsableSpace() * SPACE_SHARE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the free space of /dev/shm", e);
        }
        long perMessage = room / (messages * queues) - PER_MESSAGE_OVERHEAD;
        return (int) Math.max(0, Math.min(MAX_EXCERPT_LENGTH, perMessage));
    }

    @Override
    public Map<String, String> prepare(RunSpec spec) throws IOException {
        Path dir = Path.of("/dev/shm", "xmem-perf-" + spec.runId() + "-chronicle");
        Files.createDirectories(dir); // the queue's files are made by whichever child builds it first
        return Map.of(DIR_KEY, dir.toString());
    }

    @Override
    public void cleanUp(RunSpec spec, Map<String, String> prepared) {
        String dir = prepared.get(DIR_KEY);
        if (dir != null) {
            IoUtil.delete(new File(dir), false); // Agrona's, plain java.io: no Chronicle class in the harness
        }
    }

    @Override
    public Publisher publisher(RunSpec spec, Map<String, String> prepared) {
        return new QueuePublisher(Path.of(prepared.get(DIR_KEY)), spec.messageLength());
    }

    @Override
    public Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) {
        return new QueueSubscriber(Path.of(prepared.get(DIR_KEY)));
    }
}
