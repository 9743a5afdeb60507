package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolStats;
import io.xmem.pool.XmemException;
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
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code xmem demo}: two child JVMs, a producer and a consumer, hand buffers over through a
 * shared pool. Only tokens cross the pipe between them; every payload byte stays where the
 * producer wrote it and the consumer checks it there.
 *
 * <pre>
 *   producer --(token length checksum, a pipe)--> consumer
 *      ^                                              |
 *      +---- ack token (via this process) <-----------+
 * </pre>
 *
 * The pool is this process's: created under a unique name, deleted at the end, on failure and
 * on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Two JVMs hand buffers to each other through shared memory, by token.", "",
        "Starts a producer JVM and a consumer JVM that share a pool: the producer fills buffers (small ones "
            + "and big frames) and sends only their 64-bit tokens through a pipe; the consumer attaches each "
            + "token, verifies its CRC32C in place and releases it. The pool is created for the run and "
            + "deleted at the end, also on failure and Ctrl-C. Exits 1 if any buffer did not verify.", ""})
final class DemoCommand implements Callable<Integer> {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final long MAX_FRAME_SIZE = 1L << 30;
    /** No acknowledgement for this long means a child is stuck: stop rather than hang. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--buffers", paramLabel = "N", defaultValue = "2000",
        description = "How many buffers to hand over; every " + DemoPayload.FRAME_EVERY
            + "th is a frame (default: ${DEFAULT-VALUE}).")
    long buffers;

    @Option(names = "--frame-size", paramLabel = "BYTES", defaultValue = "8MiB", converter = Bytes.Converter.class,
        description = "Size of a frame, e.g. 1048576, 1MiB or 24m; more than 4 KiB (default: ${DEFAULT-VALUE}).")
    long frameSize;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory for the demo's pool file (default: ${DEFAULT-VALUE}).")
    Path dir;

    private PrintWriter out;
    private PrintWriter err;

    // Written by the relay thread, read by the main thread.
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong ackedBytes = new AtomicLong();
    private volatile long lastAckNanos;
    private volatile long[] consumerResult; // verified, mismatches, bytes, nanos, pipe bytes
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
        if (BufferPool.delete(name, dir)) {
            // Our pid and run number: its creator is dead, killed before it could clean up.
            err.println("removed pool '" + name + "' left in " + dir + " by an earlier demo that was killed");
        }
        PoolConfig config = PoolConfig.builder()
            .directory(dir)
            .sizeClass(DemoPayload.SMALL_SIZE, DemoPayload.SMALL_COUNT)
            .sizeClass(frameSize, DemoPayload.FRAME_COUNT)
            .build();
        Cleanup cleanup = new Cleanup(name, dir);
        Thread hook = new Thread(() -> {
            if (cleanup.run()) {
                System.err.println("xmem demo: stopped; ended the producer and consumer and deleted pool '" + name + "'");
            }
        }, "xmem-demo-cleanup");
        BufferPool pool = BufferPool.create(name, config);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return run(pool, cleanup) ? XmemCli.OK : XmemCli.FAILED;
            } finally {
                pool.close();
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

    private boolean run(BufferPool pool, Cleanup cleanup) {
        long poolBytes = DemoPayload.SMALL_SIZE * DemoPayload.SMALL_COUNT + frameSize * DemoPayload.FRAME_COUNT;
        out.printf("xmem demo: a producer JVM hands %d buffers to a consumer JVM through shared memory, by token.%n",
            buffers);
        out.printf("  pool      '%s' in %s: %d x %s + %d x %s (%s), deleted at the end%n", pool.name(), dir,
            DemoPayload.SMALL_COUNT, Bytes.format(DemoPayload.SMALL_SIZE), DemoPayload.FRAME_COUNT,
            Bytes.format(frameSize), Bytes.format(poolBytes));
        out.flush();

        List<Process> children = start(pool.name(), cleanup);
        Process producer = children.get(0);
        Process consumer = children.get(1);
        out.printf("  producer  pid %d: acquires a buffer, fills it, writes 'token length checksum' to its stdout%n",
            producer.pid());
        out.printf("  consumer  pid %d: reads that line from its stdin (a pipe), attaches the token, checks the%n"
            + "            CRC32C over the shared bytes in place, releases the buffer%n", consumer.pid());
        out.printf("  flow      the consumer acks each token as soon as it has attached (its stdout -> the producer's%n"
            + "            stdin, relayed by this process); only then does the producer drop its reference. The%n"
            + "            producer keeps at most %d frames and %d small buffers unacknowledged (half of each%n"
            + "            class), so the pool never runs dry.%n",
            DemoPayload.FRAME_COUNT / 2, DemoPayload.SMALL_COUNT / 2);
        out.flush();

        long start = System.nanoTime();
        lastAckNanos = start;
        List<Thread> threads = List.of(
            daemon("ack relay", () -> relay(consumer.getInputStream(), producer.getOutputStream())),
            daemon("producer stderr", () -> forward(producer.getErrorStream(), "producer " + producer.pid())),
            daemon("consumer stderr", () -> forward(consumer.getErrorStream(), "consumer " + consumer.pid())));
        threads.forEach(Thread::start);

        boolean stalled = false;
        long nextReport = start + TimeUnit.SECONDS.toNanos(1);
        try {
            while (!consumer.waitFor(100, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now >= nextReport) {
                    progress(now - start);
                    nextReport += TimeUnit.SECONDS.toNanos(1);
                }
                if (now - lastAckNanos > STALL_NANOS) {
                    stalled = true;
                    problem("no buffer was acknowledged for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS)
                        + " s: stopping both processes");
                    children.forEach(Process::destroyForcibly);
                    break;
                }
            }
            if (!producer.waitFor(30, TimeUnit.SECONDS)) {
                problem("the producer did not exit 30 s after the consumer: stopping it");
                producer.destroyForcibly();
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            children.forEach(Process::destroyForcibly);
            throw new XmemException("interrupted while the demo was running; its processes were stopped");
        }
        long elapsed = System.nanoTime() - start;
        waitQuietly(producer);
        waitQuietly(consumer);
        if (!stalled) {
            progress(elapsed);
        }
        return summary(pool, producer, consumer, elapsed);
    }

    private List<Process> start(String name, Cleanup cleanup) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = absoluteClassPath();
        ProcessBuilder producer = new ProcessBuilder(java, "-cp", classPath, DemoProducer.class.getName(), name,
            dir.toString(), Long.toString(buffers), Long.toString(frameSize));
        ProcessBuilder consumer = new ProcessBuilder(java, "-cp", classPath, DemoConsumer.class.getName(), name,
            dir.toString());
        try {
            // startPipeline joins the producer's stdout to the consumer's stdin with an OS pipe.
            List<Process> children = ProcessBuilder.startPipeline(List.of(producer, consumer));
            cleanup.children = children;
            return children;
        } catch (IOException e) {
            throw new XmemException("cannot start the demo's child JVMs with " + java + ": " + e.getMessage(), e);
        }
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

    /** Consumer stdout: acks go on to the producer, results and mismatches are kept. */
    private void relay(InputStream fromConsumer, OutputStream toProducer) {
        Writer producer = new OutputStreamWriter(toProducer, StandardCharsets.US_ASCII);
        boolean producerGone = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fromConsumer, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ", 4);
                switch (f[0]) {
                    case "ack" -> {
                        if (!producerGone) {
                            try {
                                producer.write(f[1] + "\n");
                                producer.flush();
                            } catch (IOException e) {
                                producerGone = true; // it has exited; its exit code tells why
                            }
                        }
                        acks.incrementAndGet();
                        ackedBytes.addAndGet(Long.parseLong(f[2]));
                        lastAckNanos = System.nanoTime();
                    }
                    case "bad" -> problem("buffer #" + f[1] + " (token " + f[2] + "): " + f[3]);
                    case "done" -> consumerResult = Arrays.stream(line.substring("done ".length())
                        .split(" ")).mapToLong(Long::parseLong).toArray();
                    default -> problem("unexpected line from the consumer: " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            problem("reading the consumer's output failed: " + e);
        } finally {
            try {
                producer.close(); // end of acks: a producer still waiting for one learns the consumer is gone
            } catch (IOException ignored) {
                // the producer has exited already
            }
        }
    }

    private void forward(InputStream stream, String who) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                err.println("  [" + who + "] " + line);
                err.flush();
            }
        } catch (IOException ignored) {
            // the process is gone; its exit code is reported
        }
    }

    private void progress(long nanos) {
        out.printf(Locale.ROOT, "  %6.1f s  %d/%d buffers handed over, %s%n", nanos / 1e9, acks.get(), buffers,
            Bytes.format(ackedBytes.get()));
        out.flush();
    }

    private synchronized void problem(String text) {
        problems.add(text);
        err.println("  problem: " + text);
        err.flush();
    }

    private boolean summary(BufferPool pool, Process producer, Process consumer, long elapsed) {
        long[] result = consumerResult;
        long verified = result == null ? 0 : result[0];
        long mismatches = result == null ? 0 : result[1];
        long bytes = result == null ? 0 : result[2];
        long handoffNanos = result == null ? 0 : result[3];
        long pipeBytes = result == null ? 0 : result[4];
        long frames = buffers / DemoPayload.FRAME_EVERY;
        PoolStats stats = pool.stats();
        int free = stats.totalFree();
        int total = stats.totalBuffers();

        out.println("summary");
        out.printf("  buffers handed over   %d of %d (%d small of up to %s, %d frames of %s)%n", acks.get(), buffers,
            buffers - frames, Bytes.format(DemoPayload.SMALL_SIZE), frames, Bytes.format(frameSize));
        out.printf("  bytes handed over     %s by reference: only %s of token lines crossed the pipe;%n"
            + "                        the payload never left the pool and was never copied%n",
            Bytes.format(bytes), Bytes.format(pipeBytes));
        out.printf("  checksums verified    %d of %d (CRC32C recomputed by the consumer over the shared bytes)%n",
            verified, buffers);
        out.printf("  mismatches            %d%n", mismatches);
        out.printf(Locale.ROOT, "  elapsed               %.2f s in all, child JVM start-up included%n", elapsed / 1e9);
        if (handoffNanos > 0) {
            out.printf(Locale.ROOT, "  handoff               %.2f s: %.0f buffers/s, %s (each byte written once and%n"
                    + "                        checksummed twice; the rate is that work, not copying)%n",
                handoffNanos / 1e9, verified * 1e9 / handoffNanos, Bytes.rate(bytes, handoffNanos));
        }
        out.printf("  pool at the end       %d of %d buffers free%n", free, total);
        out.printf("  processes             demo %d, producer %d (exit %d), consumer %d (exit %d)%n",
            ProcessHandle.current().pid(), producer.pid(), exitCode(producer), consumer.pid(), exitCode(consumer));

        List<String> failures = new ArrayList<>();
        if (exitCode(producer) != 0) {
            failures.add("the producer exited with " + exitCode(producer) + " (its messages are above)");
        }
        if (exitCode(consumer) != 0 || result == null) {
            failures.add("the consumer exited with " + exitCode(consumer) + " (its messages are above)");
        }
        if (verified != buffers) {
            failures.add(verified + " of " + buffers + " buffers verified");
        }
        if (mismatches != 0) {
            failures.add(mismatches + (mismatches == 1 ? " mismatch" : " mismatches"));
        }
        if (free != total) {
            failures.add((total - free) + " buffers still held at the end");
            StatCommand.print(out, pool.path().toString(), stats);
        }
        synchronized (this) {
            if (failures.isEmpty() && !problems.isEmpty()) {
                failures.add(problems.size() + " problems reported above");
            }
        }
        if (failures.isEmpty()) {
            out.println("OK: every buffer reached the other process intact, by reference, and the pool is all free again.");
            return true;
        }
        out.println("FAILED: " + String.join("; ", failures) + ".");
        return false;
    }

    private static int exitCode(Process p) {
        return p.isAlive() ? -1 : p.exitValue();
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, "xmem-demo " + name);
        t.setDaemon(true);
        return t;
    }

    /** Stops the children and deletes the pool, once: at the end of a run or from the shutdown hook. */
    private static final class Cleanup {
        private final String name;
        private final Path dir;
        private final AtomicBoolean done = new AtomicBoolean();
        volatile List<Process> children = List.of();

        Cleanup(String name, Path dir) {
            this.name = name;
            this.dir = dir;
        }

        /** Whether this call did the work (the first one does). */
        boolean run() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            for (Process p : children) {
                p.destroyForcibly();
            }
            BufferPool.delete(name, dir);
            return true;
        }
    }
}
