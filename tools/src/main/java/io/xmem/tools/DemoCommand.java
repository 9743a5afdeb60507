package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolStats;
import io.xmem.pool.XmemException;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code xmem demo}: three child JVMs connected only through shared memory. A producer
 * publishes pool buffers by reference on a ring; two subscribers read every record and check
 * each payload's CRC32C in place. Only 64-byte records cross the ring; the payload stays where
 * the producer wrote it.
 *
 * <pre>
 *                          +--> subscriber 1: CRC32C over the buffer, in place
 *   producer --(ring)------+
 *     fills pool buffers   +--> subscriber 2: the same, at its own pace
 * </pre>
 *
 * The scenario is {@link FrameRun} with the {@link DemoPayload}; this command chooses its sizes and
 * tells what happens. The pool and the ring are this process's: created under a unique name,
 * deleted at the end, on failure and on Ctrl-C, and by the children if this process is killed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"One producer JVM publishes buffers by reference on a shared-memory ring; two subscriber JVMs "
        + "verify every one in place.", "",
        "Creates a pool (small buffers and big frames) and a reliable ring bound to it, starts two subscriber "
            + "JVMs and, once both have joined, a producer JVM. The producer fills pool buffers and offers each "
            + "by reference: a 64-byte record with the buffer's token, length, CRC32C and sequence number; after "
            + "every frame it adds a small inline message. Each subscriber recomputes every CRC32C over the "
            + "shared bytes in place and checks that no record is missing. The ring holds each buffer until both "
            + "subscribers have passed it, then returns it to the pool. Pool and ring are deleted at the end, also "
            + "on failure and Ctrl-C; killed outright, xmem leaves no process behind: its children exit and delete "
            + "them. Exits 1 if any record did not verify on both subscribers.", ""})
final class DemoCommand implements Callable<Integer> {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final long MAX_FRAME_SIZE = 1L << 30;
    private static final int SUBSCRIBERS = 2;
    /** 64 KiB of log: a thousand 64-byte references in flight, more than the pool has buffers. */
    private static final int RING_CAPACITY = 1 << 16;

    @Spec
    CommandSpec spec;

    @Option(names = "--buffers", paramLabel = "N", defaultValue = "2000",
        description = "How many buffers to publish by reference; every " + DemoPayload.FRAME_EVERY
            + "th is a frame, followed by a small inline message (default: ${DEFAULT-VALUE}).")
    long buffers;

    @Option(names = "--frame-size", paramLabel = "BYTES", defaultValue = "8MiB", converter = Bytes.Converter.class,
        description = "Size of a frame, e.g. 1048576, 1MiB or 24m; more than 4 KiB (default: ${DEFAULT-VALUE}).")
    long frameSize;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory for the demo's pool and ring files (default: ${DEFAULT-VALUE}).")
    Path dir;

    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        validate();
        long pid = ProcessHandle.current().pid();
        int run = RUNS.incrementAndGet();
        String name = "xmem-demo-" + pid + (run == 1 ? "" : "-" + run);
        boolean leftRing = Ring.delete(name, dir);
        if (BufferPool.delete(name, dir) | leftRing) {
            // Our pid and run number: its creator is dead, killed before it could clean up.
            err.println("removed pool and ring '" + name + "' left in " + dir + " by an earlier demo that was killed");
        }
        PoolConfig poolConfig = PoolConfig.builder()
            .directory(dir)
            .sizeClass(DemoPayload.SMALL_SIZE, DemoPayload.SMALL_COUNT)
            .sizeClass(frameSize, DemoPayload.FRAME_COUNT)
            .build();
        RingConfig ringConfig = RingConfig.builder()
            .directory(dir)
            .pool(name)
            .capacity(RING_CAPACITY)
            .maxSubscribers(SUBSCRIBERS)
            .build();
        List<String> payload = List.of("--payload", DemoPayload.KIND, "--frame-size", Long.toString(frameSize));
        try (FrameRun frames = start(name, poolConfig, ringConfig, payload)) {
            return run(frames) ? XmemCli.OK : XmemCli.FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The frame stream, or, when DIR has no room for the pool, what to do about it. */
    private FrameRun start(String name, PoolConfig poolConfig, RingConfig ringConfig, List<String> payload) {
        try {
            return new FrameRun("xmem demo", name, poolConfig, ringConfig, payload, new Listener());
        } catch (InvalidConfigException e) {
            long free = usableSpace();
            if (free >= poolBytes(frameSize)) {
                throw e; // not a matter of room
            }
            throw new XmemException(noRoom(free) + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Why the demo does not fit and the two ways out. A container's /dev/shm is 64 MiB unless it is
     * started with more, and the default demo's pool is a little more than that.
     */
    private String noRoom(long free) {
        StringBuilder s = new StringBuilder("the demo's pool needs ").append(Bytes.format(poolBytes(frameSize)))
            .append(" in ").append(dir).append(" and only ").append(Bytes.format(free)).append(" is free there. ")
            .append("A container's /dev/shm is 64 MiB unless it is started with more: docker run --shm-size=256m "
                + "(podman the same; Kubernetes: an emptyDir with medium: Memory mounted at /dev/shm)");
        long smaller = Long.highestOneBit(Math.max(1, frameSize));
        while (smaller > DemoPayload.SMALL_SIZE * 2 && poolBytes(smaller) + RING_CAPACITY > free * 9 / 10) {
            smaller /= 2;
        }
        if (poolBytes(smaller) + RING_CAPACITY <= free * 9 / 10) {
            s.append("; or run a smaller demo: xmem demo --frame-size ").append(Bytes.format(smaller).replace(" ", ""))
                .append(" (").append(Bytes.format(poolBytes(smaller))).append(")");
        }
        return s.toString();
    }

    private static long poolBytes(long frameSize) {
        return DemoPayload.SMALL_SIZE * DemoPayload.SMALL_COUNT + frameSize * DemoPayload.FRAME_COUNT;
    }

    private long usableSpace() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // cannot tell: the pool's own message stands
        }
    }

    private void validate() {
        if (buffers < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--buffers must be at least 1, was " + buffers);
        }
        if (frameSize <= DemoPayload.SMALL_SIZE || frameSize > MAX_FRAME_SIZE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--frame-size must be more than "
                + Bytes.format(DemoPayload.SMALL_SIZE) + " (the small class) and at most "
                + Bytes.format(MAX_FRAME_SIZE) + ", was " + frameSize);
        }
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + dir
                + " is not a directory: create it or leave --dir out to use /dev/shm");
        }
    }

    private boolean run(FrameRun frames) {
        header(frames.pool(), frames.ring());
        long start = System.nanoTime();
        for (int i = 1; i <= SUBSCRIBERS; i++) {
            FrameRun.Role s = frames.startChecker("subscriber " + i);
            out.printf("  %-9s pid %d: subscribes, then polls; when the ring is empty it sleeps on a futex%n"
                + "            word in the ring until the producer's next commit wakes it%n", "sub " + i, s.pid());
        }
        out.flush();
        if (!frames.awaitSubscribers()) {
            return summary(frames, System.nanoTime() - start);
        }
        FrameRun.Role producer = frames.startProducer("--buffers", Long.toString(buffers));
        out.printf("  producer  pid %d: acquires a buffer, fills it, offers it by reference (token, length,%n"
            + "            CRC32C, sequence: one 64-byte record), closes its own handle at once; after%n"
            + "            every frame a small inline message (sequence, CRC32C, up to %d bytes)%n",
            producer.pid(), DemoPayload.INLINE_MAX_BODY);
        out.printf("  flow      the ring pins each buffer until both subscribers have passed its record, then%n"
            + "            gives it back to the pool; the producer waits for a free buffer or for room%n");
        out.flush();
        frames.watch(Duration.ofSeconds(1), sinceWatch -> progress(frames, System.nanoTime() - start));
        return summary(frames, System.nanoTime() - start);
    }

    private void header(BufferPool pool, Ring ring) {
        long poolBytes = poolBytes(frameSize);
        out.printf("xmem demo: a producer JVM publishes %d buffers by reference on a shared-memory ring;%n"
            + "           %d subscriber JVMs verify every one in place.%n", buffers, SUBSCRIBERS);
        out.printf("  pool      '%s' in %s: %d x %s + %d x %s (%s), deleted at the end%n", pool.name(), dir,
            DemoPayload.SMALL_COUNT, Bytes.format(DemoPayload.SMALL_SIZE), DemoPayload.FRAME_COUNT,
            Bytes.format(frameSize), Bytes.format(poolBytes));
        out.printf("  ring      '%s' in %s: %s of log bound to that pool, reliable (the slower subscriber%n"
            + "            holds the producer back), deleted at the end%n", ring.name(), dir,
            Bytes.format(ring.capacity()));
        out.flush();
    }

    private void progress(FrameRun frames, long nanos) {
        long total = DemoPayload.records(buffers);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %6.1f s  published %d/%d records",
            nanos / 1e9, Math.min(frames.ring().publishedCount(), total), total));
        for (FrameRun.Role s : frames.subscribers()) {
            line.append(String.format(Locale.ROOT, "; %s read %d (%s)", shortLabel(s), s.count("records"),
                Bytes.format(s.count("bytes"))));
        }
        out.println(line);
        out.flush();
    }

    private static String shortLabel(FrameRun.Role role) {
        return role.label().replace("subscriber", "sub");
    }

    private boolean summary(FrameRun frames, long elapsed) {
        FrameRun.Role producer = frames.producer();
        Map<String, String> produced = producer == null ? null : producer.done();
        long records = DemoPayload.records(buffers);
        long frameCount = buffers / DemoPayload.FRAME_EVERY;
        // The ring's count has the end-of-stream record too; it also counts for a producer that died.
        long published = Math.min(frames.ring().publishedCount(), records);
        long bytes = produced != null ? producer.count("bytes")
            : frames.subscribers().stream().mapToLong(s -> s.count("bytes")).max().orElse(0);
        out.println("summary");
        out.printf("  published             %d of %d records: %d buffers by reference (%d small of up to %s,%n"
            + "                        %d frames of %s) and %d inline messages, then an end-of-stream message%n",
            published, records, buffers, buffers - frameCount, Bytes.format(DemoPayload.SMALL_SIZE), frameCount,
            Bytes.format(frameSize), frameCount);
        out.printf("  by reference          %s of payload, never copied: only %s of records crossed the ring%n"
            + "                        (64 bytes per buffer, the inline messages, padding at the wrap)%n",
            Bytes.format(bytes), Bytes.format(frames.ring().tail()));
        long slowest = subscriberLines(frames, records);
        out.printf(Locale.ROOT, "  elapsed               %.2f s in all, child JVM start-up included%n", elapsed / 1e9);
        if (slowest > 0 && published > 0) {
            out.printf(Locale.ROOT, "  handoff               %.2f s: %.0f records/s, %s by reference to each "
                    + "subscriber%n                        (each byte written once and checksummed three times, by the "
                    + "producer and%n                        both subscribers; the rate is that work, not copying)%n",
                slowest / 1e9, published * 1e9 / slowest, Bytes.rate(bytes, slowest));
        }
        if (produced != null) {
            out.printf("  back pressure         %d offers waited for the slower subscriber%n",
                producer.count("backPressured"));
        }
        PoolStats stats = frames.pool().stats();
        int free = stats.totalFree();
        int total = stats.totalBuffers();
        out.printf("  pool at the end       %d of %d buffers free%s%n", free, total,
            free == total ? " (every pin the ring held is released)" : "");
        out.println(processes(frames));
        List<String> failures = failures(frames, records);
        if (free != total) {
            failures.add((total - free) + " buffers still held at the end");
            StatText.pool(out, PoolInspection.inspect(frames.pool().name(), frames.pool().path().getParent()));
        }
        if (failures.isEmpty() && !frames.problems().isEmpty()) {
            failures.add(frames.problems().size() + " problems reported above");
        }
        if (failures.isEmpty()) {
            out.println("OK: every record reached both subscribers intact, the payload by reference, and the pool is"
                + " all free again.");
            return true;
        }
        out.println("FAILED: " + String.join("; ", failures) + ".");
        return false;
    }

    /** One paragraph per subscriber; returns the slowest one's time from first record to the end. */
    private long subscriberLines(FrameRun frames, long records) {
        long slowest = 0;
        for (FrameRun.Role s : frames.subscribers()) {
            if (s.done() == null) {
                out.printf("  %-21s pid %d: no result (exit %d)%n", s.label(), s.pid(), s.exitCode());
                continue;
            }
            slowest = Math.max(slowest, s.count("nanos"));
            out.printf("  %-21s pid %d: checksums verified %d of %d records (%d references, %d inline),%n"
                + "                        %s read in place; %d mismatched, %d lost%n",
                s.label(), s.pid(), s.count("verified"), records, s.count("references"), s.count("inline"),
                Bytes.format(s.count("bytes")), s.count("bad") + s.count("outOfOrder"), s.count("lost"));
        }
        return slowest;
    }

    private static String processes(FrameRun frames) {
        StringBuilder line = new StringBuilder("  processes             demo " + ProcessHandle.current().pid());
        FrameRun.Role producer = frames.producer();
        if (producer != null) {
            line.append(", producer ").append(producer.pid()).append(" (exit ").append(producer.exitCode()).append(')');
        }
        for (FrameRun.Role s : frames.subscribers()) {
            line.append(", ").append(shortLabel(s)).append(' ').append(s.pid()).append(" (exit ").append(s.exitCode())
                .append(')');
        }
        return line.toString();
    }

    private List<String> failures(FrameRun frames, long records) {
        List<String> failures = new ArrayList<>();
        FrameRun.Role producer = frames.producer();
        if (producer == null) {
            failures.add("the producer was never started");
        } else if (producer.exitCode() != 0 || producer.done() == null) {
            failures.add("the producer exited with " + producer.exitCode() + " (its messages are above)");
        } else if (producer.count("records") != records) {
            failures.add("the producer published " + producer.count("records") + " of " + records + " records");
        }
        for (FrameRun.Role s : frames.subscribers()) {
            if (s.exitCode() != 0 || s.done() == null) {
                failures.add(s.label() + " exited with " + s.exitCode() + " (its messages are above)");
                continue;
            }
            if (s.count("verified") != records) {
                failures.add(s.label() + " verified " + s.count("verified") + " of " + records + " records");
            }
            long mismatches = s.count("bad") + s.count("outOfOrder");
            if (mismatches != 0) {
                failures.add(s.label() + ": " + mismatches + " records did not match their checksum or order");
            }
            if (s.count("lost") != 0) {
                failures.add(s.label() + " lost " + s.count("lost") + " records");
            }
        }
        return failures;
    }

    /** Children's stderr and problems, on our stderr, one line each. */
    private final class Listener implements FrameRun.Listener {
        @Override
        public void line(FrameRun.Role role, String line) {
            synchronized (DemoCommand.this) {
                err.println("  [" + role.label() + " " + role.pid() + "] " + line);
                err.flush();
            }
        }

        @Override
        public void problem(String text) {
            synchronized (DemoCommand.this) {
                err.println("  problem: " + text);
                err.flush();
            }
        }
    }
}
