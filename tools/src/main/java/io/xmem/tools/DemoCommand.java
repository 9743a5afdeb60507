package io.xmem.tools;

import io.xmem.pool.BufferPool;
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

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The pool and the ring are this process's: created under a unique name, deleted at the end,
 * on failure and on Ctrl-C. Children report on their stdout, one line per fact, read here.
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
            + "on failure and Ctrl-C. Exits 1 if any record did not verify on both subscribers.", ""})
final class DemoCommand implements Callable<Integer> {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final long MAX_FRAME_SIZE = 1L << 30;
    private static final int SUBSCRIBERS = 2;
    /** 64 KiB of log: a thousand 64-byte references in flight, more than the pool has buffers. */
    private static final int RING_CAPACITY = 1 << 16;
    /** Waiting longer than this for the subscribers to join means one failed to start. */
    private static final long JOIN_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** No record verified for this long means a child is stuck: stop rather than hang. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

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
    /** When a child last showed progress; written by the reader threads. */
    private volatile long lastActivityNanos;
    private final List<String> problems = new ArrayList<>();

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        if (buffers < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--buffers must be at least 1, was " + buffers);
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
        Cleanup cleanup = new Cleanup(name, dir);
        Thread hook = new Thread(() -> {
            if (cleanup.run()) {
                System.err.println("xmem demo: stopped; ended the producer and subscribers and deleted pool and ring '"
                    + name + "'");
            }
        }, "xmem-demo-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            try (BufferPool pool = BufferPool.create(name, poolConfig);
                 Ring ring = Ring.create(name, ringConfig)) {
                return run(pool, ring, cleanup) ? XmemCli.OK : XmemCli.FAILED;
            } finally {
                cleanup.run();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: it cleans up the same way
                }
            }
        } finally {
            out.flush();
            err.flush();
        }
    }

    private boolean run(BufferPool pool, Ring ring, Cleanup cleanup) {
        long poolBytes = DemoPayload.SMALL_SIZE * DemoPayload.SMALL_COUNT + frameSize * DemoPayload.FRAME_COUNT;
        out.printf("xmem demo: a producer JVM publishes %d buffers by reference on a shared-memory ring;%n"
            + "           %d subscriber JVMs verify every one in place.%n", buffers, SUBSCRIBERS);
        out.printf("  pool      '%s' in %s: %d x %s + %d x %s (%s), deleted at the end%n", pool.name(), dir,
            DemoPayload.SMALL_COUNT, Bytes.format(DemoPayload.SMALL_SIZE), DemoPayload.FRAME_COUNT,
            Bytes.format(frameSize), Bytes.format(poolBytes));
        out.printf("  ring      '%s' in %s: %s of log bound to that pool, reliable (the slower subscriber%n"
            + "            holds the producer back), deleted at the end%n", ring.name(), dir,
            Bytes.format(ring.capacity()));
        out.flush();

        long start = System.nanoTime();
        lastActivityNanos = start;
        List<Child> subscribers = new ArrayList<>();
        for (int i = 1; i <= SUBSCRIBERS; i++) {
            Child s = start("subscriber " + i, cleanup, DemoSubscriber.class, ring.name(), dir.toString());
            subscribers.add(s);
            out.printf("  %-9s pid %d: subscribes, then polls; when the ring is empty it sleeps on a futex%n"
                + "            word in the ring until the producer's next commit wakes it%n",
                "sub " + i, s.process.pid());
        }
        out.flush();
        try {
            if (!awaitSubscribers(ring, subscribers, cleanup)) {
                return summary(pool, ring, null, subscribers, System.nanoTime() - start);
            }
            Child producer = start("producer", cleanup, DemoProducer.class, ring.name(), dir.toString(),
                Long.toString(buffers), Long.toString(frameSize));
            out.printf("  producer  pid %d: acquires a buffer, fills it, offers it by reference (token, length,%n"
                + "            CRC32C, sequence: one 64-byte record), closes its own handle at once; after%n"
                + "            every frame a small inline message (sequence, CRC32C, up to %d bytes)%n",
                producer.process.pid(), DemoPayload.INLINE_MAX_BODY);
            out.printf("  flow      the ring pins each buffer until both subscribers have passed its record, then%n"
                + "            gives it back to the pool; the producer waits for a free buffer or for room%n");
            out.flush();
            watch(ring, producer, subscribers, cleanup, start);
            long elapsed = System.nanoTime() - start;
            return summary(pool, ring, producer, subscribers, elapsed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cleanup.stopChildren();
            throw new XmemException("interrupted while the demo was running; its processes were stopped");
        }
    }

    /** Both subscribers said ready and stand in the ring's subscriber table: nothing is published before. */
    private boolean awaitSubscribers(Ring ring, List<Child> subscribers, Cleanup cleanup) throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_NANOS;
        while (!subscribers.stream().allMatch(s -> s.ready) || ring.subscriberPositions().length < SUBSCRIBERS) {
            for (Child s : subscribers) {
                if (!s.process.isAlive()) {
                    problem(s.role + " exited with " + s.process.exitValue() + " before it subscribed");
                    cleanup.stopChildren();
                    return false;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                problem("the subscribers did not join the ring within " + TimeUnit.NANOSECONDS.toSeconds(JOIN_NANOS)
                    + " s: stopping them");
                cleanup.stopChildren();
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Until every child has exited: progress once a second, and a stop when one fails or all stall. */
    private void watch(Ring ring, Child producer, List<Child> subscribers, Cleanup cleanup, long start)
            throws InterruptedException {
        lastActivityNanos = System.nanoTime();
        long nextReport = start + TimeUnit.SECONDS.toNanos(1);
        boolean stopped = false;
        while (producer.process.isAlive() || subscribers.stream().anyMatch(s -> s.process.isAlive())) {
            producer.process.waitFor(100, TimeUnit.MILLISECONDS);
            long now = System.nanoTime();
            if (now >= nextReport) {
                progress(ring, subscribers, now - start);
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
            if (stopped) {
                continue;
            }
            Child dead = subscribers.stream()
                .filter(sub -> !sub.process.isAlive() && sub.process.exitValue() != 0).findFirst().orElse(null);
            if (dead != null) {
                // Its pins would hold the pool's buffers until the producer gave up waiting for one.
                problem(dead.role + " died (exit " + dead.process.exitValue() + "): stopping the other processes");
                cleanup.stopChildren();
                stopped = true;
            } else if (!producer.process.isAlive() && producer.process.exitValue() != 0) {
                problem("the producer failed (exit " + producer.process.exitValue()
                    + "): stopping the subscribers, which would wait for its end-of-stream record forever");
                cleanup.stopChildren();
                stopped = true;
            } else if (now - lastActivityNanos > STALL_NANOS) {
                problem("nothing moved for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s: stopping all processes");
                cleanup.stopChildren();
                stopped = true;
            }
        }
        progress(ring, subscribers, System.nanoTime() - start);
        producer.joinReaders();
        for (Child s : subscribers) {
            s.joinReaders();
        }
    }

    private Child start(String role, Cleanup cleanup, Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java,
            "--enable-native-access=ALL-UNNAMED", // the ring's futex wait and wake are a downcall
            "-cp", absoluteClassPath(), main.getName()));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new XmemException("cannot start the demo's " + role + " JVM with " + java + ": " + e.getMessage(), e);
        }
        cleanup.children.add(process);
        Child child = new Child(role, process);
        child.readers.add(daemon(role + " stdout", () -> read(child)));
        child.readers.add(daemon(role + " stderr", () -> forward(process.getErrorStream(), role + " " + process.pid())));
        child.readers.forEach(Thread::start);
        return child;
    }

    /** The children run from the same classes; absolute, so a relative jar path works from anywhere. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** A child's stdout: {@code ready}, {@code progress}, {@code bad} and {@code done} lines. */
    private void read(Child child) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.process.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ", 3);
                switch (f[0]) {
                    case "ready" -> child.ready = true;
                    case "progress" -> {
                        child.records = Long.parseLong(f[1]);
                        child.bytes = Long.parseLong(f[2]);
                        lastActivityNanos = System.nanoTime();
                    }
                    case "bad" -> problem(child.role + ": record #" + f[1] + ": " + f[2]);
                    case "done" -> {
                        child.done = Arrays.stream(line.substring("done ".length()).split(" "))
                            .mapToLong(Long::parseLong).toArray();
                        lastActivityNanos = System.nanoTime();
                    }
                    default -> problem("unexpected line from the " + child.role + ": " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            problem("reading the " + child.role + "'s output failed: " + e);
        }
    }

    private void forward(InputStream stream, String who) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    err.println("  [" + who + "] " + line);
                    err.flush();
                }
            }
        } catch (IOException ignored) {
            // the process is gone; its exit code is reported
        }
    }

    private void progress(Ring ring, List<Child> subscribers, long nanos) {
        long total = records();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %6.1f s  published %d/%d records",
            nanos / 1e9, Math.min(ring.publishedCount(), total), total));
        for (Child s : subscribers) {
            long[] done = s.done;
            long records = done == null ? s.records : done[0];
            long bytes = done == null ? s.bytes : done[3];
            line.append(String.format(Locale.ROOT, "; %s read %d (%s)", s.role.replace("subscriber", "sub"), records,
                Bytes.format(bytes)));
        }
        out.println(line);
        out.flush();
    }

    /** Records the producer publishes, the end-of-stream message left out: every buffer, and one inline per frame. */
    private long records() {
        return buffers + buffers / DemoPayload.FRAME_EVERY;
    }

    private synchronized void problem(String text) {
        problems.add(text);
        err.println("  problem: " + text);
        err.flush();
    }

    private boolean summary(BufferPool pool, Ring ring, Child producer, List<Child> subscribers, long elapsed) {
        long[] produced = producer == null ? null : producer.done; // records refs inline bytes nanos back-pressured
        long records = records();
        long frames = buffers / DemoPayload.FRAME_EVERY;
        // The ring's count has the end-of-stream record too; it also counts for a producer that died.
        long published = Math.min(ring.publishedCount(), records);
        long bytes = produced != null ? produced[3]
            : subscribers.stream().mapToLong(sub -> sub.bytes).max().orElse(0);
        long ringBytes = ring.tail();
        PoolStats stats = pool.stats();
        int free = stats.totalFree();
        int total = stats.totalBuffers();

        out.println("summary");
        out.printf("  published             %d of %d records: %d buffers by reference (%d small of up to %s,%n"
            + "                        %d frames of %s) and %d inline messages, then an end-of-stream message%n",
            published, records, buffers, buffers - frames, Bytes.format(DemoPayload.SMALL_SIZE), frames,
            Bytes.format(frameSize), frames);
        out.printf("  by reference          %s of payload, never copied: only %s of records crossed the ring%n"
            + "                        (64 bytes per buffer, the inline messages, padding at the wrap)%n",
            Bytes.format(bytes), Bytes.format(ringBytes));
        long slowest = 0;
        for (Child s : subscribers) {
            long[] r = s.done; // records refs inline bytes verified mismatches lost nanos
            if (r == null) {
                out.printf("  %-21s pid %d: no result (exit %d)%n", s.role, s.process.pid(), exitCode(s.process));
                continue;
            }
            slowest = Math.max(slowest, r[7]);
            out.printf("  %-21s pid %d: checksums verified %d of %d records (%d references, %d inline),%n"
                + "                        %s read in place; %d mismatched, %d lost%n",
                s.role, s.process.pid(), r[4], records, r[1], r[2], Bytes.format(r[3]), r[5], r[6]);
        }
        out.printf(Locale.ROOT, "  elapsed               %.2f s in all, child JVM start-up included%n", elapsed / 1e9);
        if (slowest > 0 && published > 0) {
            out.printf(Locale.ROOT, "  handoff               %.2f s: %.0f records/s, %s by reference to each subscriber%n"
                    + "                        (each byte written once and checksummed three times, by the producer and%n"
                    + "                        both subscribers; the rate is that work, not copying)%n",
                slowest / 1e9, published * 1e9 / slowest, Bytes.rate(bytes, slowest));
        }
        if (produced != null) {
            out.printf("  back pressure         %d offers waited for the slower subscriber%n", produced[5]);
        }
        out.printf("  pool at the end       %d of %d buffers free%s%n", free, total,
            free == total ? " (every pin the ring held is released)" : "");
        StringBuilder processes = new StringBuilder("  processes             demo " + ProcessHandle.current().pid());
        if (producer != null) {
            processes.append(", producer ").append(producer.process.pid()).append(" (exit ")
                .append(exitCode(producer.process)).append(')');
        }
        for (Child s : subscribers) {
            processes.append(", ").append(s.role.replace("subscriber", "sub")).append(' ').append(s.process.pid())
                .append(" (exit ").append(exitCode(s.process)).append(')');
        }
        out.println(processes);

        List<String> failures = new ArrayList<>();
        if (producer == null) {
            failures.add("the producer was never started");
        } else if (exitCode(producer.process) != 0 || produced == null) {
            failures.add("the producer exited with " + exitCode(producer.process) + " (its messages are above)");
        } else if (produced[0] != records) {
            failures.add("the producer published " + produced[0] + " of " + records + " records");
        }
        for (Child s : subscribers) {
            long[] r = s.done;
            if (exitCode(s.process) != 0 || r == null) {
                failures.add(s.role + " exited with " + exitCode(s.process) + " (its messages are above)");
                continue;
            }
            if (r[4] != records) {
                failures.add(s.role + " verified " + r[4] + " of " + records + " records");
            }
            if (r[5] != 0) {
                failures.add(s.role + ": " + r[5] + " records did not match their checksum or order");
            }
            if (r[6] != 0) {
                failures.add(s.role + " lost " + r[6] + " records");
            }
        }
        if (free != total) {
            failures.add((total - free) + " buffers still held at the end");
            StatCommand.print(out, PoolInspection.inspect(pool.name(), pool.path().getParent()));
        }
        synchronized (this) {
            if (failures.isEmpty() && !problems.isEmpty()) {
                failures.add(problems.size() + " problems reported above");
            }
        }
        if (failures.isEmpty()) {
            out.println("OK: every record reached both subscribers intact, the payload by reference, and the pool is"
                + " all free again.");
            return true;
        }
        out.println("FAILED: " + String.join("; ", failures) + ".");
        return false;
    }

    private static int exitCode(Process p) {
        return p.isAlive() ? -1 : p.exitValue();
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, "xmem-demo " + name);
        t.setDaemon(true);
        return t;
    }

    /** A child JVM, what its stdout told so far (written by its reader thread), and its readers. */
    private static final class Child {
        final String role;
        final Process process;
        final List<Thread> readers = new ArrayList<>();
        volatile boolean ready;
        volatile long records;
        volatile long bytes;
        volatile long[] done;

        Child(String role, Process process) {
            this.role = role;
            this.process = process;
        }

        /** Everything the child printed has been read (it has exited, so its pipes end). */
        void joinReaders() throws InterruptedException {
            for (Thread t : readers) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }

    /** Stops the children and deletes the ring and the pool, once: at the end of a run or from the shutdown hook. */
    private static final class Cleanup {
        private final String name;
        private final Path dir;
        private final AtomicBoolean done = new AtomicBoolean();
        final List<Process> children = new CopyOnWriteArrayList<>();

        Cleanup(String name, Path dir) {
            this.name = name;
            this.dir = dir;
        }

        void stopChildren() {
            for (Process p : children) {
                p.destroyForcibly();
            }
        }

        /** Whether this call did the work (the first one does). */
        boolean run() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            stopChildren();
            try {
                Ring.delete(name, dir);
            } finally {
                BufferPool.delete(name, dir);
            }
            return true;
        }
    }
}
