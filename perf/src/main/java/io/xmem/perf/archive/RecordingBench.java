package io.xmem.perf.archive;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.perf.harness.ChildFlags;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Recording throughput and what a recorder costs a live ring's publisher, in real processes
 * ({@code perf/record-bench}). Per size and round, each configuration in the same run:
 * <ul>
 *   <li>{@code sub}: this JVM publishes into a reliable ring as fast as it takes records; one
 *       subscriber process reads each (first and last 8 bytes, in place);</li>
 *   <li>{@code copy-sub}: the same with a subscriber that copies each payload whole into its own
 *       memory, as one that keeps what it reads must (the least a recorder does);</li>
 *   <li>{@code rec}: the same publisher, a recorder process instead of the subscriber (embedded
 *       archive in a directory under {@code --dir}): publisher rate, and the recording rate up to the
 *       moment the archive has written the last record;</li>
 *   <li>{@code sub+rec}: both at once;</li>
 *   <li>{@code chronicle}: one process appending the same payloads to a Chronicle Queue in a
 *       directory beside the archive's (same file system, page cache, no sync in either).</li>
 * </ul>
 * The publisher sends warm-up records first (not timed), then the measured ones. 32 B records go
 * inline (copied into the ring); 1 MiB and 8 MiB ones by reference to a pool buffer acquired per
 * record (16 and 8 buffers), 8 bytes stamped (the ring carries them without copying; the recorder
 * copies them into the archive, as Chronicle copies them into its queue).
 */
public final class RecordingBench {
    private static final long MIB = 1024 * 1024;

    private final Path work;
    private final List<String> rows = new ArrayList<>();

    private RecordingBench(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(arg(args, "--dir", System.getProperty("java.io.tmpdir")))
            .resolve("xmem-record-bench-" + ProcessHandle.current().pid());
        int rounds = Integer.parseInt(arg(args, "--rounds", "3"));
        String[] sizes = arg(args, "--sizes", "32,1m,8m").split(",");
        RecordingBench bench = new RecordingBench(work);
        try {
            for (int round = 1; round <= rounds; round++) {
                for (String size : sizes) {
                    bench.size(round, parseSize(size));
                }
            }
        } finally {
            deleteTree(work);
        }
        System.out.println();
        System.out.println("| round | size | configuration | records | publisher msgs/s | recorded msgs/s | MB/s |");
        System.out.println("|---|---|---|---|---|---|---|");
        bench.rows.forEach(System.out::println);
    }

    private void size(int round, int size) throws Exception {
        long count = size <= 1024 ? 1_000_000 : size <= MIB ? 2_000 : 256;
        long warmup = count / 4;
        measure(round, size, "sub", count, warmup, "touch", false);
        measure(round, size, "copy-sub", count, warmup, "copy", false);
        measure(round, size, "rec", count, warmup, null, true);
        measure(round, size, "sub+rec", count, warmup, "touch", true);
        chronicle(round, size, count, warmup);
    }

    /** One configuration: fresh pool, ring and archive; subscriber and/or recorder processes; the publisher here. */
    private void measure(int round, int size, String label, long count, long warmup, String sub, boolean rec)
        throws Exception {
        Path dir = work.resolve(label + "-" + size + "-" + round);
        Files.createDirectories(dir);
        boolean inline = size <= 1024;
        List<Node> nodes = new ArrayList<>();
        PoolConfig.Builder pool = PoolConfig.builder().directory(dir).sizeClass(4096, 4);
        if (!inline) {
            pool.sizeClass(size, size <= MIB ? 16 : 8); // the frames in flight a producer would keep
        }
        try (BufferPool p = BufferPool.create("bench", pool.build());
             Ring ring = Ring.create("bench", RingConfig.builder().directory(dir).pool("bench").capacity(1 << 22)
                 .wakeups(false).build())) {
            if (sub != null) {
                nodes.add(Node.start("subscriber", "bench", dir.toString(), sub));
            }
            if (rec) {
                nodes.add(Node.start("recorder", "bench", dir.toString(), dir.resolve("archive").toString()));
            }
            long[] publisher = publish(ring, p, size, inline, warmup, count);
            long recordedEnd = 0;
            for (Node n : nodes) {
                long done = n.until(warmup + count - 1);
                if (n.process.label().equals("recorder")) {
                    recordedEnd = done;
                }
            }
            double pubRate = count * 1e9 / (publisher[1] - publisher[0]);
            double recRate = rec ? count * 1e9 / (recordedEnd - publisher[0]) : Double.NaN;
            double mb = (rec ? recRate : pubRate) * size / 1e6;
            row(round, size, label, count, pubRate, recRate, mb);
        } finally {
            for (Node n : nodes) {
                n.close();
            }
            deleteTree(dir);
        }
    }

    /**
     * Publishes warm-up then measured records; returns the nanoTime of the first measured send and
     * after the last. Large records as a video producer sends frames: a buffer acquired from the pool
     * per record (waiting while every one is still pinned by a reader that has not passed it), 8 bytes
     * stamped, published, the handle closed; so a slow reader holds the publisher back through the pool.
     */
    private static long[] publish(Ring ring, BufferPool pool, int size, boolean inline, long warmup, long count) {
        long[] times = new long[2];
        try (Publication pub = ring.publication(); Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(Math.max(size, 8), 8);
            for (long k = 0; k < warmup + count; k++) {
                if (k == warmup) {
                    times[0] = System.nanoTime();
                }
                if (inline) {
                    small.set(ValueLayout.JAVA_LONG, 0, k);
                    while (pub.offer(small.asSlice(0, size)) < 0) {
                        Thread.onSpinWait();
                    }
                } else {
                    try (Buffer b = pool.acquire(size, Duration.ofSeconds(60))) {
                        b.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k);
                        while (pub.offer(b, 0, size, k, 0) < 0) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }
            times[1] = System.nanoTime();
        }
        return times;
    }

    private void chronicle(int round, int size, long count, long warmup) throws Exception {
        Path queue = work.resolve("chronicle-" + size + "-" + round);
        try (Node n = Node.start("chronicle", queue.toString(), Integer.toString(size), Long.toString(warmup),
            Long.toString(count))) {
            String[] result = n.line().split(" ");
            double rate = count * 1e9 / (Long.parseLong(result[2]) - Long.parseLong(result[1]));
            row(round, size, "chronicle", count, rate, rate, rate * size / 1e6);
        } finally {
            deleteTree(queue);
        }
    }

    private void row(int round, int size, String label, long count, double pubRate, double recRate, double mb) {
        String row = String.format(Locale.ROOT, "| %d | %s | %s | %,d | %,.0f | %s | %,.1f |", round, label(size),
            label, count, pubRate, Double.isNaN(recRate) ? "—" : String.format(Locale.ROOT, "%,.0f", recRate), mb);
        rows.add(row);
        System.out.println(row);
    }

    private static String label(int size) {
        return size >= MIB ? size / MIB + " MiB" : size + " B";
    }

    private static int parseSize(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        if (t.endsWith("m")) {
            return (int) (Long.parseLong(t.substring(0, t.length() - 1)) * MIB);
        }
        return t.endsWith("k") ? Integer.parseInt(t.substring(0, t.length() - 1)) * 1024 : Integer.parseInt(t);
    }

    private static String arg(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A {@link RecordingNode} process: its READY, its answers, stopped on close (killed if it does not stop). */
    private static final class Node implements AutoCloseable {
        /** Rounds of 8 MiB records on a loaded machine take minutes: the answer's wait is generous. */
        private static final Duration ANSWER_WAIT = Duration.ofMinutes(15);
        private final Launcher launcher;
        private final ChildProcess process;

        private Node(Launcher launcher, ChildProcess process) {
            this.launcher = launcher;
            this.process = process;
        }

        static Node start(String role, String... args) {
            Launcher launcher = new Launcher("perf/record-bench");
            JvmCommand command = JvmCommand.of(RecordingNode.class).label(role).flags(ChildFlags.COMMON)
                .flags("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")
                .args(role).args(args).onErrorLine(line -> System.err.println("[" + role + "] " + line));
            Node n = new Node(launcher, launcher.start(command));
            if (!role.equals("chronicle")) {
                n.process.awaitLine("READY", Duration.ofMinutes(2));
            }
            return n;
        }

        /** The next answer (READY, DONE or RESULT); a library's chatter in between is passed over. */
        String line() {
            return process.awaitLine(l -> l.startsWith("READY") || l.startsWith("DONE") || l.startsWith("RESULT"),
                ANSWER_WAIT);
        }

        /** The nanoTime at which this node had sequence {@code last} (read, or in the archive). */
        long until(long last) {
            if (!process.send("UNTIL " + last)) {
                throw new IllegalStateException(process + " cannot be asked: " + process.diagnostics());
            }
            return Long.parseLong(line().substring("DONE ".length()));
        }

        @Override
        public void close() {
            process.stop(Duration.ofSeconds(30));
            launcher.close();
        }
    }
}
