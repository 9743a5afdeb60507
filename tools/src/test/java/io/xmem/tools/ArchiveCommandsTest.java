package io.xmem.tools;

import io.xmem.archive.ArchiveConfig;
import io.xmem.archive.Recordings;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xmem record}, {@code recordings} and {@code replay} as the launcher runs them, on a real
 * ring, pool and embedded archive in temporary directories: 200 records (every tenth by reference)
 * recorded by {@code xmem record} in its own JVM (stopped by SIGTERM, as Ctrl-C stops it), listed,
 * and replayed into a second ring in order.
 */
class ArchiveCommandsTest {
    private static final int RECORDS = 200;

    @TempDir
    Path dir;

    @TempDir
    Path archive;

    private BufferPool pool;
    private Ring source;
    private Ring target;

    @BeforeEach
    void createRings() {
        pool = BufferPool.create("frames", PoolConfig.builder().directory(dir).sizeClass(4096, 32).build());
        source = Ring.create("md", RingConfig.builder().directory(dir).pool("frames").capacity(64 * 1024).build());
        target = Ring.create("md2", RingConfig.builder().directory(dir).pool("frames").capacity(64 * 1024).build());
    }

    @AfterEach
    void deleteRings() {
        target.close();
        source.close();
        pool.close();
    }

    @Test
    void recordListAndReplayARing() throws Exception {
        Process recorder = startRecordCommand();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (source.stats().subscribers().isEmpty()) { // the recorder has joined
                assertTrue(System.nanoTime() < deadline && recorder.isAlive(), "the recorder did not join");
                Thread.sleep(10);
            }
            publish();
            ArchiveConfig config = ArchiveConfig.builder().directory(archive).build();
            while (Recordings.list(config).getFirst().lastSequence() < RECORDS - 1) { // through its archive
                assertTrue(System.nanoTime() < deadline, "the recorder did not record everything");
                Thread.sleep(50);
            }
            recorder.destroy(); // SIGTERM, as Ctrl-C: the recording ends cleanly
            assertTrue(recorder.waitFor(60, TimeUnit.SECONDS));
        } finally {
            recorder.destroyForcibly();
            recorder.waitFor(30, TimeUnit.SECONDS);
            deleteDriverDirectories(recorder.pid()); // only a killed recorder leaves its media driver's
        }

        CliRun listed = CliRun.of("recordings", "--archive", archive.toString());
        assertEquals(0, listed.code(), listed.all());
        assertTrue(listed.out().contains("md") && listed.out().contains("ended cleanly")
            && listed.out().contains("0.." + (RECORDS - 1)), listed.all());

        List<Long> seen = new ArrayList<>();
        try (Subscription check = target.subscription()) {
            CliRun replayed = CliRun.of("replay", "--archive", archive.toString(), "--into", "md2", "--dir",
                dir.toString(), "--speed", "max");
            assertEquals(0, replayed.code(), replayed.all());
            assertTrue(replayed.out().contains("published " + RECORDS + " records"), replayed.all());
            while (check.poll(m -> seen.add(m.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 0)), 64) > 0) {
                // drain
            }
        }
        assertEquals(RECORDS, seen.size());
        for (int i = 0; i < RECORDS; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    /** {@code xmem record md} in its own JVM, as the launcher starts it; stopped the way Ctrl-C stops it. */
    private Process startRecordCommand() throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        return new ProcessBuilder(java, "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m", "-cp",
            System.getProperty("java.class.path"), XmemCli.class.getName(), "record", "md", "--dir", dir.toString(),
            "--archive", archive.toString(), "--interval", "0")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void mistakesAreSaidInOneLine() {
        CliRun noArchive = CliRun.of("recordings");
        assertEquals(1, noArchive.code(), noArchive.all());
        assertTrue(noArchive.err().contains("--archive DIR"), noArchive.all());
        CliRun badSpeed = CliRun.of("replay", "--archive", archive.toString(), "--recording", "0", "--into", "md2",
            "--speed", "fast");
        assertEquals(1, badSpeed.code(), badSpeed.all());
        assertTrue(badSpeed.err().contains("--speed takes original, max"), badSpeed.all());
    }

    private static void deleteDriverDirectories(long pid) throws IOException {
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            String prefix = "xmem-archive-" + pid + "-";
            for (Path d : shm.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                try (Stream<Path> walk = Files.walk(d)) {
                    for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    private void publish() {
        try (Publication pub = source.publication()) {
            for (long k = 0; k < RECORDS; k++) {
                long r;
                if (k % 10 == 0) {
                    try (Buffer b = pool.acquire(100)) {
                        b.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
                        while ((r = pub.offer(b, 0, 100, k, ~k)) < 0) {
                            Thread.onSpinWait();
                        }
                    }
                } else {
                    MemorySegment m = MemorySegment.ofArray(new long[] {k, k});
                    while ((r = pub.offer(m)) < 0) {
                        Thread.onSpinWait();
                    }
                }
                assertTrue(r > 0);
            }
        }
    }
}
