package io.xmem.perf.minimal;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.launch.LineFields;
import io.xmem.perf.harness.ChildFlags;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The minimal two-process program: for each round, each test and each system, one subscriber JVM and
 * one publisher JVM ({@link MinimalChild}), busy-spin, nothing else; systems interleaved within each
 * round, so every ratio compares figures taken minutes apart at most.
 *
 * <pre>
 * perf/minimal                                   # 3 rounds of every test and system
 * perf/minimal --rounds 1 --tests rtt --systems xmem,agrona-ring
 * </pre>
 *
 * <p>Systems: {@code xmem} ({@link RingConfig} defaults, 4 MiB log), {@code xmem-nowake}
 * ({@code wakeups(false)}), {@code agrona-ring} ({@code OneToOneRingBuffer}, 4 MiB, over the same
 * {@code /dev/shm}), {@code aeron-ipc} ({@code aeron:ipc} with Aeron's defaults; the media driver
 * embedded in this process, {@link ThreadingMode#SHARED} with its default backoff idle strategy, so
 * the two cores stay with the publisher and the subscriber; the conductor is not on the data path of
 * IPC). Tests: {@code stream} (32 B, msgs/s), {@code rtt} (32 B ping-pong), {@code ref8m} and
 * {@code ref24m} (ping by reference to an 8 or 24 MiB pool buffer of 8 buffers, 32-byte pong; xmem
 * only). Prints one line per pair and, at the end, a Markdown summary: the median of the rounds and
 * their range, and for the ping-pongs the scheduler's share (on-CPU time, run-queue wait and
 * involuntary switches of both hot threads against the time spent in slow round trips).
 */
public final class MinimalBench {
    private static final List<String> SYSTEMS = List.of("xmem", "xmem-nowake", "agrona-ring", "aeron-ipc");
    private static final List<String> TESTS = List.of("stream", "rtt", "ref8m", "ref24m");
    private static final int RING_CAPACITY = 4 << 20;
    private static final int POOL_BUFFERS = 8;
    private static final Duration PAIR_TIMEOUT = Duration.ofMinutes(3);

    private final String prefix = "xmem-minimal-" + ProcessHandle.current().pid();
    private final Map<String, List<Map<String, String>>> results = new LinkedHashMap<>();
    private MediaDriver driver;
    private int pairs;
    /** Where system {@code xmem-huge} keeps its pool and rings: a tmpfs mounted {@code huge=always}. */
    private static Path hugeDir;

    private MinimalBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        List<String> systems = SYSTEMS;
        List<String> tests = TESTS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--systems" -> systems = Arrays.asList(args[++i].split(","));
                case "--tests" -> tests = Arrays.asList(args[++i].split(","));
                case "--huge-dir" -> hugeDir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("usage: perf/minimal [--rounds N] [--systems "
                    + String.join(",", SYSTEMS) + "] [--tests " + String.join(",", TESTS) + "] [--huge-dir DIR: "
                    + "system xmem-huge, the defaults with the pool and rings in DIR, a tmpfs mounted huge=always, "
                    + "prefaulted]");
            }
        }
        MinimalBench bench = new MinimalBench();
        try {
            for (int round = 1; round <= rounds; round++) {
                for (String test : tests) {
                    for (String system : systems) {
                        if (!test.startsWith("ref") || system.startsWith("xmem")) {
                            bench.pair(round, test, system);
                        }
                    }
                }
            }
        } finally {
            if (bench.driver != null) {
                bench.driver.close();
            }
        }
        System.out.print(MinimalSummary.markdown(bench.results));
    }

    /** Runs one pair and records what both children said. */
    private void pair(int round, String test, String system) throws Exception {
        String id = prefix + "-" + (++pairs);
        int size = test.equals("ref8m") ? 8 << 20 : test.equals("ref24m") ? 24 << 20 : Link.LENGTH;
        long warmup = test.equals("stream") ? 5_000_000 : test.startsWith("ref") ? 20_000 : 100_000;
        long messages = test.equals("stream") ? 20_000_000 : test.startsWith("ref") ? 100_000 : 500_000;
        List<String> args = new ArrayList<>(List.of("system=" + system, "test=" + (size > Link.LENGTH ? "ref" : test),
            "size=" + size, "warmup=" + warmup, "messages=" + messages));
        List<Path> files = new ArrayList<>();
        try (Launcher launcher = new Launcher("minimal")) {
            args.addAll(prepare(system, id, size, files));
            launcher.deleteOnClose(files);
            ChildProcess sub = launcher.start(command(system, args, "sub"));
            sub.awaitLine("READY", PAIR_TIMEOUT);
            ChildProcess pub = launcher.start(command(system, args, "pub"));
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("round", Integer.toString(round));
            fields.put("messages", Long.toString(messages));
            fields.putAll(prefixed("pub.", pub.awaitLine(l -> l.startsWith("RESULT"), PAIR_TIMEOUT)));
            fields.putAll(prefixed("sub.", sub.awaitLine(l -> l.startsWith("RESULT"), PAIR_TIMEOUT)));
            pub.awaitExit(PAIR_TIMEOUT);
            sub.awaitExit(PAIR_TIMEOUT);
            results.computeIfAbsent(test + " " + system, k -> new ArrayList<>()).add(fields);
            System.out.println("round " + round + " " + test + " " + system + ": " + fields);
        } finally {
            cleanUp(system, id);
        }
    }

    private static JvmCommand command(String system, List<String> args, String role) {
        List<String> all = new ArrayList<>(args);
        all.add("role=" + role);
        return JvmCommand.of(MinimalChild.class).label(system + "-" + role)
            .classPath(System.getProperty("java.class.path")).flags(ChildFlags.COMMON).args(all)
            .onErrorLine(System.err::println);
    }

    private static Map<String, String> prefixed(String prefix, String line) {
        Map<String, String> out = new LinkedHashMap<>();
        LineFields.of(line.substring("RESULT ".length())).forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    /** Makes the pair's rings (or the driver), returns the children's arguments naming them. */
    private List<String> prepare(String system, String id, int size, List<Path> files) throws Exception {
        switch (system) {
            case "xmem", "xmem-nowake", "xmem-huge" -> {
                Path dir = directory(system);
                RingConfig.Builder config = RingConfig.builder().capacity(RING_CAPACITY).directory(dir);
                if (system.equals("xmem-nowake")) {
                    config.wakeups(false);
                }
                RingConfig pong = config.build();
                if (size > Link.LENGTH) {
                    PoolConfig.Builder pool = PoolConfig.builder().sizeClass(size, POOL_BUFFERS).directory(dir);
                    if (system.equals("xmem-huge")) {
                        pool.hugePages(true).prefault(true);
                    }
                    BufferPool.create(id + "-pool", pool.build()).close();
                    config.pool(id + "-pool");
                }
                Ring.create(id + "-ping", config.build()).close();
                Ring.create(id + "-pong", pong).close();
                return List.of("ping=" + id + "-ping", "pong=" + id + "-pong", "ringdir=" + dir);
            }
            case "agrona-ring" -> {
                Path ping = Path.of("/dev/shm", id + "-ping");
                Path pong = Path.of("/dev/shm", id + "-pong");
                files.add(ping);
                files.add(pong);
                AgronaLink.create(ping);
                AgronaLink.create(pong);
                return List.of("ping=" + ping, "pong=" + pong);
            }
            case "aeron-ipc" -> {
                if (driver == null) {
                    driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName("/dev/shm/" + prefix
                        + "-aeron").threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new BackoffIdleStrategy())
                        .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
                }
                return List.of("dir=" + driver.aeronDirectoryName(), "ping=" + (2 * pairs), "pong=" + (2 * pairs + 1));
            }
            default -> throw new IllegalArgumentException("unknown system " + system);
        }
    }

    /** Where an xmem system's pool and rings live. */
    private static Path directory(String system) {
        if (!system.equals("xmem-huge")) {
            return PoolConfig.DEFAULT_DIRECTORY;
        }
        if (hugeDir == null) {
            throw new IllegalArgumentException("system xmem-huge needs --huge-dir DIR, a tmpfs mounted huge=always "
                + "(mount -t tmpfs -o size=1g,huge=always xmem-huge DIR)");
        }
        return hugeDir;
    }

    private static void cleanUp(String system, String id) throws Exception {
        if (system.startsWith("xmem")) {
            Path dir = directory(system);
            Ring.delete(id + "-ping", dir);
            Ring.delete(id + "-pong", dir);
            BufferPool.delete(id + "-pool", dir);
        }
        Files.deleteIfExists(Path.of("/dev/shm", id + "-ping"));
        Files.deleteIfExists(Path.of("/dev/shm", id + "-pong"));
    }

    static String format(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
