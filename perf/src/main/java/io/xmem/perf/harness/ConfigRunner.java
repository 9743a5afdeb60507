package io.xmem.perf.harness;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link Config} in real processes and always cleans up after it.
 *
 * <ol>
 *   <li>{@code prepare} in this process (and again for the echo channel of a round trip);</li>
 *   <li>start N subscriber JVMs and one publisher JVM at once (transports that need a listener
 *       first retry their connects); each builds its side and says {@code READY};</li>
 *   <li>when all are ready, {@code GO} to the publisher — the start barrier;</li>
 *   <li>each child reports {@code RESULT} (counts, times, its HdrHistogram, compressed and base64);
 *       then {@code CLOSE} to all, and every child exits;</li>
 *   <li>on a timeout, a child's failure or early exit: every child is killed; in every case the
 *       transport's {@code cleanUp} runs for what {@code prepare} made.</li>
 * </ol>
 */
final class ConfigRunner {
    private static final long STARTUP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String classPath;
    private final Path workDir;
    private final Idle idle;
    private final List<String> extraFlags;
    private final Evidence evidence;
    private final String runIdPrefix;
    private int runs;

    ConfigRunner(String classPath, Path workDir, Idle idle, List<String> extraFlags, Evidence evidence) {
        this.classPath = classPath;
        this.workDir = workDir;
        this.idle = idle;
        this.extraFlags = extraFlags;
        this.evidence = evidence;
        this.runIdPrefix = "h" + ProcessHandle.current().pid() + "-" + Long.toString(System.currentTimeMillis() % 100_000, 36);
    }

    /** The prefix of every shared file and socket this runner's runs create (for leak checks). */
    String runIdPrefix() {
        return runIdPrefix;
    }

    ConfigResult run(Config config) throws InterruptedException {
        Transport transport = Transports.create(config.system());
        RunSpec spec = config.spec(workDir, runIdPrefix + "-" + (++runs));
        int max = transport.maxMessageLength(spec);
        if (config.length() > max) {
            return ConfigResult.skipped(config, Sizes.format(config.length()) + " is above " + transport.name()
                + "'s largest message (" + Sizes.format(max) + ")");
        }
        if (config.subscribers() > 1 && !transport.supportsFanOut()) {
            return ConfigResult.skipped(config, transport.name() + " has no fan-out");
        }
        boolean roundTrip = spec.mode() == RunSpec.Mode.ROUND_TRIP;
        if (roundTrip && config.subscribers() != 1) {
            return ConfigResult.skipped(config, "a round trip has one subscriber");
        }
        long started = System.nanoTime();
        Map<String, String> prepared = null;
        Map<String, String> echoPrepared = null;
        List<ChildProcess> children = new ArrayList<>();
        try {
            prepared = transport.prepare(spec);
            if (roundTrip) {
                echoPrepared = transport.prepare(spec.echo());
            }
            List<String> flags = ChildJvm.flags(transport, extraFlags);
            BlockingQueue<ChildProcess.Event> events = new LinkedBlockingQueue<>();
            long stallMillis = 20_000;
            for (int i = 0; i < config.subscribers(); i++) {
                Map<String, String> settings = Map.of("role", "subscriber", "index", Integer.toString(i),
                    "idle", idle.name(), "stallMillis", Long.toString(stallMillis));
                children.add(start(config, "sub" + i, spec, prepared, echoPrepared, settings, flags, events));
            }
            ChildProcess publisher = start(config, "pub", spec, prepared, echoPrepared, Map.of("role", "publisher",
                "idle", idle.name(), "stamp", config.workload() == Workload.RATE ? "intended" : "actual"), flags, events);
            children.add(publisher);

            Map<ChildProcess, String> ready = new HashMap<>();
            Map<ChildProcess, String> results = new LinkedHashMap<>();
            await(children, events, ready, results, ready, System.nanoTime() + STARTUP_TIMEOUT_NANOS, "start-up");
            publisher.send("GO");
            long runTimeout = TimeUnit.SECONDS.toNanos(60) + (long) (10e9 * config.expectedSeconds());
            await(children, events, ready, results, results, System.nanoTime() + runTimeout, "the run");
            for (ChildProcess c : children) {
                c.send("CLOSE");
            }
            for (ChildProcess c : children) {
                int exit = c.finish(15_000);
                if (exit != 0) {
                    throw new IllegalStateException(c.label + " exited with " + exit + " after its result:\n    "
                        + c.logTail());
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return result(config, roundTrip, publisher, results, seconds, evidence);
        } catch (Exception e) {
            return ConfigResult.failed(config, e.getMessage() == null ? e.toString() : e.getMessage(),
                (System.nanoTime() - started) / 1e9);
        } finally {
            for (ChildProcess c : children) {
                if (c.alive()) {
                    c.kill();
                }
            }
            cleanUp(transport, spec, prepared);
            if (roundTrip) {
                cleanUp(transport, spec.echo(), echoPrepared);
            }
        }
    }

    private ChildProcess start(Config config, String label, RunSpec spec, Map<String, String> prepared,
                               Map<String, String> echoPrepared, Map<String, String> settings, List<String> flags,
                               BlockingQueue<ChildProcess.Event> events) throws IOException, InterruptedException {
        Evidence.Wrapping tools = evidence.wrap(config, label);
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(tools.settings());
        List<String> args = ChildArgs.encode(spec, prepared, echoPrepared, all);
        List<String> jvmFlags = new ArrayList<>(flags);
        jvmFlags.addAll(tools.jvmFlags());
        List<String> command = new ArrayList<>(tools.prefix());
        command.addAll(ChildJvm.command(classPath, jvmFlags, args));
        Path log = workDir.resolve(spec.runId() + "-" + label + ".log");
        return ChildProcess.start(label, command, log, events);
    }

    /** Collects READY and RESULT lines until {@code target} has one per child; fails fast on trouble. */
    private static void await(List<ChildProcess> children, BlockingQueue<ChildProcess.Event> events,
                              Map<ChildProcess, String> ready, Map<ChildProcess, String> results,
                              Map<ChildProcess, String> target, long deadline, String phase)
        throws InterruptedException {
        while (target.size() < children.size()) {
            long left = deadline - System.nanoTime();
            ChildProcess.Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                List<String> missing = children.stream().filter(c -> !target.containsKey(c)).map(c -> c.label).toList();
                throw new IllegalStateException("timed out in " + phase + " waiting for " + missing + "; last lines of "
                    + missing.getFirst() + ":\n    " + children.stream().filter(c -> !target.containsKey(c))
                    .findFirst().orElseThrow().logTail());
            }
            if (e.line() == null) {
                if (!target.containsKey(e.child())) {
                    throw new IllegalStateException(e.child().label + " exited during " + phase + ":\n    "
                        + e.child().logTail());
                }
            } else if (e.line().equals("READY")) {
                ready.put(e.child(), e.line());
            } else if (e.line().startsWith("RESULT ")) {
                results.put(e.child(), e.line().substring("RESULT ".length()));
            } else if (e.line().startsWith("FAILED")) {
                throw new IllegalStateException(e.child().label + " failed: " + e.line() + "\n    " + e.child().logTail());
            }
        }
    }

    private static ConfigResult result(Config config, boolean roundTrip, ChildProcess publisher,
                                       Map<ChildProcess, String> results, double seconds, Evidence evidence)
        throws Exception {
        Map<String, String> pub = fields(results.get(publisher));
        long retries = Long.parseLong(pub.get("retries"));
        long warmupSent = Long.parseLong(pub.get("warmupSent"));
        long total = Math.max(0, warmupSent) + config.messages();
        List<ConfigResult.Receiver> receivers = new ArrayList<>();
        List<ProcessCosts> costs = new ArrayList<>();
        Histogram merged = new Histogram(Child.HIGHEST_TRACKABLE_NANOS, 3);
        double slowest = Double.MAX_VALUE;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<ChildProcess, String> entry : results.entrySet()) {
            boolean isPublisher = entry.getKey() == publisher;
            Map<String, String> f = fields(entry.getValue());
            costs.add(evidence.collect(config, ProcessCosts.fromFields(entry.getKey().label, config.messages(), f)));
            if (isPublisher != roundTrip) {
                if (!isPublisher) {
                    retries += Long.parseLong(f.get("retries")); // echo retries
                }
                continue;
            }
            Histogram h = Child.decode(f.get("hist"));
            long received = Long.parseLong(f.get("received"));
            long gaps = Long.parseLong(f.get("gaps"));
            long dups = Long.parseLong(f.get("dups"));
            double rate;
            if (roundTrip) {
                rate = total / ((Long.parseLong(f.get("endNs")) - Long.parseLong(f.get("startNs"))) / 1e9);
            } else {
                long intervals = warmupSent > 0 ? config.messages() : config.messages() - 1;
                rate = intervals / ((Long.parseLong(f.get("endNs")) - Long.parseLong(f.get("startNs"))) / 1e9);
            }
            if (received != total || gaps != 0 || dups != 0) {
                problems.add(entry.getKey().label + " received " + received + " of " + total + " (gaps " + gaps
                    + ", duplicates " + dups + ")");
            }
            receivers.add(new ConfigResult.Receiver(received, gaps, dups, h, rate));
            merged.add(h);
            slowest = Math.min(slowest, rate);
        }
        ConfigResult.Status status = problems.isEmpty() ? ConfigResult.Status.OK : ConfigResult.Status.FAILED;
        return new ConfigResult(config, status, String.join("; ", problems), merged, receivers, retries, slowest,
            seconds, warmupSent, costs);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                f.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return f;
    }

    private static void cleanUp(Transport transport, RunSpec spec, Map<String, String> prepared) {
        if (prepared == null) {
            return;
        }
        try {
            transport.cleanUp(spec, prepared);
        } catch (Exception e) {
            System.err.println("harness: cleanUp of " + spec.runId() + " (" + transport.name() + ") failed: " + e);
        }
    }
}
