package io.xmem.perf.harness;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.launch.LineFields;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
 *
 * Children are started with {@code io.xmem.launch}: their {@code @xmem} stdout lines become
 * {@link Event}s in one queue, everything else goes to the child's {@link ChildLog}.
 */
final class ConfigRunner {
    private static final long STARTUP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Duration EXIT_GRACE = Duration.ofSeconds(15);

    /** A line for the harness from child {@code label}; {@code line == null}: its output ended (it exited). */
    private record Event(String label, String line) {
    }

    /** A child of the run and its log. */
    private record RunChild(ChildProcess process, ChildLog log) {
        String label() {
            return process.label();
        }
    }

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
        this.runIdPrefix = "h" + ProcessHandle.current().pid() + "-"
            + Long.toString(System.currentTimeMillis() % 100_000, 36);
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
        // Closed in reverse: the launcher kills every child first, then what they used goes.
        try (Made made = new Made(transport, spec); Launcher launcher = new Launcher()) {
            Map<String, String> prepared = made.forward(transport.prepare(spec));
            Map<String, String> echoPrepared = roundTrip ? made.echo(transport.prepare(spec.echo())) : null;
            List<String> flags = ChildFlags.of(transport, extraFlags);
            BlockingQueue<Event> events = new LinkedBlockingQueue<>();
            List<RunChild> children = new ArrayList<>();
            long stallMillis = 20_000;
            for (int i = 0; i < config.subscribers(); i++) {
                Map<String, String> settings = Map.of("role", "subscriber", "index", Integer.toString(i),
                    "idle", idle.name(), "stallMillis", Long.toString(stallMillis));
                children.add(start(launcher, config, "sub" + i, spec, prepared, echoPrepared, settings, flags, events));
            }
            RunChild publisher = start(launcher, config, "pub", spec, prepared, echoPrepared, Map.of("role",
                "publisher", "idle", idle.name(), "stamp", config.workload() == Workload.RATE ? "intended" : "actual"),
                flags, events);
            children.add(publisher);

            Map<String, String> ready = new HashMap<>();
            Map<String, String> results = new LinkedHashMap<>();
            await(children, events, ready, results, ready, System.nanoTime() + STARTUP_TIMEOUT_NANOS, "start-up");
            publisher.process().send("GO");
            long runTimeout = TimeUnit.SECONDS.toNanos(60) + (long) (10e9 * config.expectedSeconds());
            await(children, events, ready, results, results, System.nanoTime() + runTimeout, "the run");
            for (RunChild c : children) {
                c.process().send("CLOSE");
            }
            for (RunChild c : children) {
                int exit = c.process().stop(EXIT_GRACE);
                if (exit != 0) {
                    throw new IllegalStateException(c.label() + " exited with " + exit + " after its result:\n    "
                        + c.log().tail());
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return result(config, roundTrip, publisher.label(), results, seconds, evidence);
        } catch (Exception e) {
            return ConfigResult.failed(config, e.getMessage() == null ? e.toString() : e.getMessage(),
                (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * What a configuration's transport made for its children (shared files, a media driver's directory),
     * deleted when the configuration ends, and by a JVM shutdown hook when the harness is stopped during it
     * (Ctrl-C, SIGTERM, the parent that started it gone), since the code after it may not run then. The run's
     * thread goes on while the hooks run: what it prepares after the hook has cleaned up is deleted at once.
     */
    private static final class Made implements AutoCloseable {
        private final Transport transport;
        private final RunSpec spec;
        private final Thread atExit = new Thread(this::cleanUp, "harness-cleanup");
        private Map<String, String> forward; // guarded by this
        private Map<String, String> echo; // guarded by this
        private boolean cleaned; // guarded by this

        Made(Transport transport, RunSpec spec) {
            this.transport = transport;
            this.spec = spec;
            Runtime.getRuntime().addShutdownHook(atExit);
        }

        synchronized Map<String, String> forward(Map<String, String> prepared) {
            forward = prepared;
            if (cleaned) {
                ConfigRunner.cleanUp(transport, spec, prepared);
            }
            return prepared;
        }

        synchronized Map<String, String> echo(Map<String, String> prepared) {
            echo = prepared;
            if (cleaned) {
                ConfigRunner.cleanUp(transport, spec.echo(), prepared);
            }
            return prepared;
        }

        private synchronized void cleanUp() {
            if (!cleaned) {
                cleaned = true;
                ConfigRunner.cleanUp(transport, spec, forward);
                ConfigRunner.cleanUp(transport, spec.echo(), echo);
            }
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(atExit);
            } catch (IllegalStateException exiting) {
                // the hook runs, or has run: cleanUp is done once either way
            }
            cleanUp();
        }
    }

    private RunChild start(Launcher launcher, Config config, String label, RunSpec spec, Map<String, String> prepared,
                           Map<String, String> echoPrepared, Map<String, String> settings, List<String> flags,
                           BlockingQueue<Event> events) throws IOException, InterruptedException {
        Evidence.Wrapping tools = evidence.wrap(config, label);
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(tools.settings());
        JvmCommand command = JvmCommand.of(Child.class).label(label).classPath(classPath).prefix(tools.prefix())
            .flags(flags).flags(tools.jvmFlags()).args(ChildArgs.encode(spec, prepared, echoPrepared, all));
        ChildLog log = ChildLog.create(workDir.resolve(spec.runId() + "-" + label + ".log"), command.commandLine());
        ChildProcess child = launcher.start(command
            .onLine(line -> {
                if (line.startsWith(Child.PREFIX)) {
                    events.add(new Event(label, line.substring(Child.PREFIX.length())));
                } else {
                    log.append("[stdout] " + line);
                }
            })
            .onErrorLine(log::append));
        child.onExit().thenRun(() -> events.add(new Event(label, null)));
        return new RunChild(child, log);
    }

    /** Collects READY and RESULT lines until {@code target} has one per child; fails fast on trouble. */
    private static void await(List<RunChild> children, BlockingQueue<Event> events, Map<String, String> ready,
                              Map<String, String> results, Map<String, String> target, long deadline, String phase)
        throws InterruptedException {
        while (target.size() < children.size()) {
            long left = deadline - System.nanoTime();
            Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                List<RunChild> missing = children.stream().filter(c -> !target.containsKey(c.label())).toList();
                throw new IllegalStateException("timed out in " + phase + " waiting for "
                    + missing.stream().map(RunChild::label).toList() + "; last lines of " + missing.getFirst().label()
                    + ":\n    " + missing.getFirst().log().tail());
            }
            if (e.line() == null) {
                if (!target.containsKey(e.label())) {
                    throw new IllegalStateException(e.label() + " exited during " + phase + ":\n    "
                        + logOf(children, e.label()).tail());
                }
            } else if (e.line().equals("READY")) {
                ready.put(e.label(), e.line());
            } else if (e.line().startsWith("RESULT ")) {
                results.put(e.label(), e.line().substring("RESULT ".length()));
            } else if (e.line().startsWith("FAILED")) {
                throw new IllegalStateException(e.label() + " failed: " + e.line() + "\n    "
                    + logOf(children, e.label()).tail());
            }
        }
    }

    private static ChildLog logOf(List<RunChild> children, String label) {
        return children.stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow().log();
    }

    private static ConfigResult result(Config config, boolean roundTrip, String publisher,
                                       Map<String, String> results, double seconds, Evidence evidence)
        throws Exception {
        Map<String, String> pub = LineFields.of(results.get(publisher));
        long retries = Long.parseLong(pub.get("retries"));
        long warmupSent = Long.parseLong(pub.get("warmupSent"));
        long total = Math.max(0, warmupSent) + config.messages();
        List<ConfigResult.Receiver> receivers = new ArrayList<>();
        List<ProcessCosts> costs = new ArrayList<>();
        Histogram merged = new Histogram(Child.HIGHEST_TRACKABLE_NANOS, 3);
        double slowest = Double.MAX_VALUE;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : results.entrySet()) {
            boolean isPublisher = entry.getKey().equals(publisher);
            Map<String, String> f = LineFields.of(entry.getValue());
            costs.add(evidence.collect(config, ProcessCosts.fromFields(entry.getKey(), config.messages(), f)));
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
                // from the first measured arrival to the last (Child.Receiver reads no clock in between)
                long nanos = Long.parseLong(f.get("endNs")) - Long.parseLong(f.get("startNs"));
                rate = (config.messages() - 1) / (nanos / 1e9);
            }
            if (received != total || gaps != 0 || dups != 0) {
                problems.add(entry.getKey() + " received " + received + " of " + total + " (gaps " + gaps
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
