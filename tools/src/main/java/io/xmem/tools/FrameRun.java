package io.xmem.tools;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.ChildProcessException;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.launch.LineFields;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One frame stream across processes, the scenario of {@code xmem demo} and {@code examples/run
 * video}: a pool and a reliable ring bound to it, subscriber JVMs ({@link FrameChecker}s, and any
 * other subscriber the command adds), then, once every one has joined, a {@link FrameProducer} JVM
 * that publishes the {@link FramePayload}'s records by reference. Only 64-byte records cross the
 * ring; the payload stays where the producer wrote it.
 *
 * <pre>{@code
 * try (FrameRun run = new FrameRun("xmem demo", name, poolConfig, ringConfig, payloadArgs, listener)) {
 *     FrameRun.Role sub = run.startChecker("subscriber 1");
 *     if (run.awaitSubscribers()) {
 *         run.startProducer("--buffers", "2000");
 *         run.watch(Duration.ofSeconds(1), elapsed -> showProgress());
 *     }
 *     ... run.producer().done() ... sub.done() ...
 * }   // every child is gone and the pool and ring are deleted, also on failure and Ctrl-C
 * }</pre>
 *
 * The children are this JVM's ({@code io.xmem.launch}): killed when the run closes or this JVM
 * exits, and, if this JVM is killed outright, they exit by themselves and delete the pool and ring.
 * Their stdout is read as report lines ({@code ready}, {@code progress}, {@code bad}, {@code done},
 * {@code latency}) into each {@link Role}; the {@link Listener} hears about problems and gets every
 * other line.
 */
public final class FrameRun implements AutoCloseable {
    /** Waiting longer than this for the subscribers to join means one failed to start. */
    public static final Duration JOIN = Duration.ofSeconds(30);
    /** No progress for this long means a child is stuck: stop rather than hang. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** The ring's futex wait and wake are downcalls: allowed without the JDK's warning. */
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** What a command makes of a run's events. */
    public interface Listener {
        /** A line of a subscriber that is no checker (e.g. "wrote frame-000060.png"), or any child's stderr. */
        void line(Role role, String line);

        /** Something went wrong: a record that did not check out, a child that failed, a stall. */
        void problem(String text);
    }

    private final Launcher launcher;
    private final Path dir;
    private final List<String> payloadArgs;
    private final Listener listener;
    private final BufferPool pool;
    private final Ring ring;
    private final List<Role> subscribers = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private Role producer;
    /** When a child last showed progress; written by the reader threads. */
    private volatile long lastActivityNanos = System.nanoTime();

    /**
     * Creates pool and ring {@code name} (ring {@code ringConfig} bound to the pool, both in the
     * same directory) for children that take {@code payloadArgs} ({@code --payload demo
     * --frame-size 8388608}). {@code label} names the run in what its clean-up at exit says.
     */
    public FrameRun(String label, String name, PoolConfig poolConfig, RingConfig ringConfig, List<String> payloadArgs,
                    Listener listener) {
        this.launcher = new Launcher(label);
        this.dir = ringConfig.directory();
        this.payloadArgs = List.copyOf(payloadArgs);
        this.listener = listener;
        this.pool = BufferPool.create(name, poolConfig);
        launcher.deleteOnClose(BufferPool.files(name, poolConfig.directory())); // ours from here: created, not found
        try {
            this.ring = Ring.create(name, ringConfig);
            launcher.deleteOnClose(Ring.files(name, dir));
        } catch (RuntimeException e) {
            pool.close();
            launcher.close();
            throw e;
        }
    }

    public BufferPool pool() {
        return pool;
    }

    public Ring ring() {
        return ring;
    }

    /** Starts a {@link FrameChecker} labelled {@code label}, with {@code args} after the run's own. */
    public Role startChecker(String label, String... args) {
        Role role = start(label, true, frameCommand(FrameChecker.class, label).args(args));
        subscribers.add(role);
        return role;
    }

    /**
     * Starts another subscriber, e.g. the video's PNG writer: {@code command} must say
     * {@value FrameChecker#READY} once it has subscribed; its other lines go to the listener.
     */
    public Role startSubscriber(JvmCommand command) {
        Role role = start(command.label(), false, command);
        subscribers.add(role);
        return role;
    }

    /**
     * Waits until every subscriber has said it is ready and stands in the ring's subscriber table:
     * nothing is published before. False, with the problem said and the children stopped, if one
     * exited or the wait took longer than {@link #JOIN}.
     */
    public boolean awaitSubscribers() {
        long deadline = System.nanoTime() + JOIN.toNanos();
        try {
            for (Role s : subscribers) {
                s.process.awaitLine(FrameChecker.READY, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            while (ring.subscriberPositions().length < subscribers.size() && System.nanoTime() - deadline < 0) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } catch (ChildProcessException e) {
            return gaveUp(e.getMessage().lines().findFirst().orElse("a subscriber did not start"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return gaveUp("interrupted while the subscribers joined");
        }
        return ring.subscriberPositions().length >= subscribers.size()
            || gaveUp("the subscribers did not join the ring within " + JOIN.toSeconds() + " s");
    }

    private boolean gaveUp(String why) {
        problem(why + ": stopping the subscribers");
        launcher.killAll();
        return false;
    }

    /** Starts the {@link FrameProducer}, with {@code args} ({@code --buffers}, {@code --seconds}, ...) after ours. */
    public Role startProducer(String... args) {
        producer = start("producer", true, frameCommand(FrameProducer.class, "producer").args(args));
        return producer;
    }

    /**
     * Until every child has exited: {@code tick} every {@code period} (with the time since the
     * call) and once at the end; every child stopped, the problem said, when a subscriber dies, the
     * producer fails, or nothing moves for a minute.
     */
    public void watch(Duration period, LongConsumer tick) {
        long start = System.nanoTime();
        lastActivityNanos = start;
        long nextTick = start + period.toNanos();
        boolean stopped = false;
        for (ChildProcess alive; (alive = firstAlive()) != null; ) {
            alive.waitFor(Duration.ofMillis(100));
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                tick.accept(now - start);
                nextTick += period.toNanos();
            }
            if (!stopped) {
                stopped = stopOnTrouble(now);
            }
        }
        launcher.awaitAll(Duration.ofSeconds(10)); // every line they printed has been read
        tick.accept(System.nanoTime() - start);
    }

    private ChildProcess firstAlive() {
        return launcher.children().stream().filter(ChildProcess::isAlive).findFirst().orElse(null);
    }

    private boolean stopOnTrouble(long now) {
        Role dead = subscribers.stream().filter(s -> s.exitCode() > 0).findFirst().orElse(null);
        String why;
        if (dead != null) {
            // Its pins would hold the pool's buffers until the producer gave up waiting for one.
            why = dead.label + " died (exit " + dead.exitCode() + "): stopping the other processes";
        } else if (producer.exitCode() > 0) {
            why = "the producer failed (exit " + producer.exitCode() + "): stopping the subscribers, which would "
                + "wait for its end-of-stream record forever";
        } else if (now - lastActivityNanos > STALL_NANOS) {
            why = "nothing moved for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s: stopping all processes";
        } else {
            return false;
        }
        problem(why);
        launcher.killAll();
        return true;
    }

    public List<Role> subscribers() {
        return List.copyOf(subscribers);
    }

    /** The producer, or null before {@link #startProducer}. */
    public Role producer() {
        return producer;
    }

    /** Every problem said so far. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Stops every child still running, closes the pool and ring and deletes their files. */
    @Override
    public void close() {
        try {
            launcher.killAll(); // first: they use the files
            ring.close();
            pool.close();
        } finally {
            launcher.close();
        }
    }

    private JvmCommand frameCommand(Class<?> main, String label) {
        return JvmCommand.of(main).label(label).flags(NATIVE_ACCESS)
            .args("--ring", ring.name(), "--dir", dir.toString()).args(payloadArgs);
    }

    private Role start(String label, boolean reports, JvmCommand command) {
        Role role = new Role(label);
        command.onLine(line -> role.onLine(line, reports)).onErrorLine(line -> listener.line(role, line));
        role.process = launcher.start(command);
        return role;
    }

    private void problem(String text) {
        problems.add(text);
        listener.problem(text);
    }

    /**
     * A child of the run and what its report lines said so far (written by its reader thread):
     * {@code progress} and {@code done} as fields ({@link LineFields}), the latency line.
     */
    public final class Role {
        private final String label;
        private ChildProcess process;
        private volatile Map<String, String> progress = Map.of();
        private volatile String note = "";
        private volatile Map<String, String> done;
        private volatile String latency;

        private Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public long pid() {
            return process.pid();
        }

        /** Its exit code, or -1 while it runs. */
        public int exitCode() {
            return process.exitCode();
        }

        /** Its last progress line's fields; empty before the first. */
        public Map<String, String> progress() {
            return progress;
        }

        /** Its last progress line's note ("frame 61: mean R 124.0 ..."), or "". */
        public String note() {
            return note;
        }

        /** Its {@code done} line's fields, or null when it did not say it was done. */
        public Map<String, String> done() {
            return done;
        }

        /** Field {@code key} of its {@code done} line, or of its last progress line before that; 0 if neither. */
        public long count(String key) {
            Map<String, String> fields = done != null ? done : progress;
            return LineFields.getLong(fields, key, 0);
        }

        /** Its latency line ({@code p50=.. µs (N samples)}), or null. */
        public String latency() {
            return latency;
        }

        private void onLine(String line, boolean reports) {
            if (line.equals(FrameChecker.READY)) {
                return; // awaitSubscribers takes it from the process's lines
            }
            if (!reports) {
                listener.line(this, line);
                return;
            }
            String[] words = line.split(" ", 3);
            switch (words[0]) {
                case "progress" -> {
                    int bar = line.indexOf(" | ");
                    progress = LineFields.of(bar < 0 ? line : line.substring(0, bar));
                    note = bar < 0 ? "" : line.substring(bar + 3);
                    lastActivityNanos = System.nanoTime();
                }
                case "bad" -> problem(label + ": record #" + words[1] + ": " + (words.length > 2 ? words[2] : ""));
                case "done" -> {
                    done = LineFields.of(line);
                    lastActivityNanos = System.nanoTime();
                }
                case "latency" -> latency = line.substring("latency ".length());
                default -> problem("unexpected line from the " + label + ": " + line);
            }
        }
    }
}
