package io.xmem.stress.soak;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.launch.LineFields;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.RingInspection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The soak: 8 publisher and 8 subscriber processes (real JVMs, {@link SoakPublisher},
 * {@link SoakSubscriber}) on 4 reliable rings of one pool, for a given time. Each ring has two
 * publishers, each from another process, taking turns through concurrent publications; every
 * subscriber reads every ring, so each record is read 8 times and its buffer unpinned once
 * all 8 passed it. At the end, after every process has left: each subscriber got every record of
 * every publisher exactly once, whole (0 lost, 0 duplicated, 0 corrupt, 0 missing), and the pool
 * is as new (every buffer free, no pin, no holder) with no subscriber left in any ring.
 *
 * <pre>{@code
 * stress/soak --seconds 600          # the long run (a script, not in CI)
 * SoakTest                           # the 30-second run in ./mvnw verify
 * }</pre>
 */
public final class Soak {
    static final int PUBLISHERS = 8;
    static final int SUBSCRIBERS = 8;
    static final int RINGS = 4;
    private static final List<String> CHILD_FLAGS = List.of("-Xmx96m", "-Xss512k", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED");
    private static final Duration START = Duration.ofSeconds(60);

    private Soak() {
    }

    /** What one soak run did and found. */
    public record Report(int seconds, long records, long bytes, long references, long refused, long delivered,
                         long deliveredBytes, long lost, long duplicated, long corrupt, long missing, int buffers,
                         int freeBuffers, int pinned, int held, int subscribersLeft, double wallSeconds) {
        /** Whether nothing was lost, duplicated, corrupt, missing or leaked. */
        public boolean clean() {
            return lost == 0 && duplicated == 0 && corrupt == 0 && missing == 0 && freeBuffers == buffers
                && pinned == 0 && held == 0 && subscribersLeft == 0 && delivered == records * SUBSCRIBERS;
        }

        @Override
        public String toString() {
            double s = seconds;
            return String.format("soak %d s (%.1f s wall): published %,d records (%,d bytes, %,d by reference; "
                    + "%,d offers refused and retried) = %,.0f records/s, %.1f MB/s; delivered %,d (%,d bytes) to %d "
                    + "subscribers = %,.0f records/s; lost %d, duplicated %d, corrupt %d, missing %d; pool %d of %d "
                    + "buffers free, %d pinned, %d held; subscribers left in rings %d: %s",
                seconds, wallSeconds, records, bytes, references, refused, records / s, bytes / s / 1e6, delivered,
                deliveredBytes, SUBSCRIBERS, delivered / s, lost, duplicated, corrupt, missing, freeBuffers, buffers,
                pinned, held, subscribersLeft, clean() ? "CLEAN" : "FAILED");
        }
    }

    public static void main(String[] args) {
        int seconds = args.length == 2 && args[0].equals("--seconds") ? Integer.parseInt(args[1]) : 600;
        Report report = run(seconds);
        System.out.println(report);
        System.exit(report.clean() ? 0 : 1);
    }

    /** Runs the soak for {@code seconds} of publishing; files unique to this JVM, deleted at the end. */
    public static Report run(int seconds) {
        String name = "xmem-soak-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path dir = PoolConfig.DEFAULT_DIRECTORY;
        long start = System.nanoTime();
        try (Launcher launcher = new Launcher("soak")) {
            launcher.deleteOnClose(BufferPool.files(name, dir));
            List<String> rings = new ArrayList<>();
            for (int r = 0; r < RINGS; r++) {
                rings.add(name + "-r" + r);
                launcher.deleteOnClose(Ring.files(rings.getLast(), dir));
            }
            try (BufferPool pool = BufferPool.create(name, PoolConfig.builder().sizeClass(4 * 1024, 256)
                     .sizeClass(64 * 1024, 64).build())) {
                for (String ring : rings) {
                    Ring.create(ring, RingConfig.builder().pool(name).capacity(1 << 20).maxSubscribers(16).build())
                        .close();
                }
            }
            Report report = drive(launcher, rings, seconds);
            return inspect(report, name, rings, dir, (System.nanoTime() - start) / 1e9);
        }
    }

    /** Starts the subscribers, then the publishers; tells the subscribers what to expect once publishing ended. */
    private static Report drive(Launcher launcher, List<String> rings, int seconds) {
        List<ChildProcess> subscribers = new ArrayList<>();
        for (int s = 0; s < SUBSCRIBERS; s++) {
            List<String> args = new ArrayList<>(List.of(Integer.toString(PUBLISHERS)));
            args.addAll(rings);
            subscribers.add(launcher.start(JvmCommand.of(SoakSubscriber.class).label("subscriber " + s)
                .flags(CHILD_FLAGS).args(args)));
        }
        subscribers.forEach(c -> c.awaitLine("ready", START));
        List<ChildProcess> publishers = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            publishers.add(launcher.start(JvmCommand.of(SoakPublisher.class).label("publisher " + p)
                .flags(CHILD_FLAGS).args(rings.get(p % RINGS), Integer.toString(p), Integer.toString(seconds))));
        }
        Duration publishing = Duration.ofSeconds(seconds).plus(START);
        StringBuilder expect = new StringBuilder("expect");
        long records = 0;
        long bytes = 0;
        long references = 0;
        long refused = 0;
        for (int p = 0; p < PUBLISHERS; p++) {
            Map<String, String> done = LineFields.of(publishers.get(p).awaitLine(l -> l.startsWith("done "),
                publishing));
            long n = LineFields.getLong(done, "records", -1);
            expect.append(' ').append(p).append('=').append(n);
            records += n;
            bytes += LineFields.getLong(done, "bytes", 0);
            references += LineFields.getLong(done, "references", 0);
            refused += LineFields.getLong(done, "refused", 0);
        }
        long[] totals = new long[6];
        for (ChildProcess s : subscribers) {
            s.send(expect.toString());
        }
        for (ChildProcess s : subscribers) {
            // A subscriber gives up 60 s after the expectation: what it lacks then is reported as missing.
            Map<String, String> done = LineFields.of(s.awaitLine(l -> l.startsWith("done "), START.multipliedBy(2)));
            String[] keys = {"records", "bytes", "lost", "duplicated", "corrupt", "missing"};
            for (int k = 0; k < keys.length; k++) {
                totals[k] += LineFields.getLong(done, keys[k], Long.MAX_VALUE / 16);
            }
        }
        for (ChildProcess c : launcher.children()) {
            c.awaitExit(START); // every process gone before the pool is judged
        }
        return new Report(seconds, records, bytes, references, refused, totals[0], totals[1], totals[2], totals[3],
            totals[4], totals[5], 0, 0, 0, 0, 0, 0);
    }

    /** Adds what the pool and the rings show from outside once everyone has left. */
    private static Report inspect(Report r, String pool, List<String> rings, Path dir, double wall) {
        PoolSnapshot snapshot = PoolInspection.inspect(pool, dir);
        int buffers = 0;
        int free = 0;
        int pinned = 0;
        int held = 0;
        for (PoolSnapshot.SizeClass c : snapshot.sizeClasses()) {
            buffers += c.total();
            free += c.free();
            pinned += c.pinned();
            held += c.held();
        }
        int left = 0;
        for (String ring : rings) {
            left += RingInspection.inspect(ring, dir).stats().subscribers().size();
        }
        return new Report(r.seconds(), r.records(), r.bytes(), r.references(), r.refused(), r.delivered(),
            r.deliveredBytes(), r.lost(), r.duplicated(), r.corrupt(), r.missing(), buffers, free, pinned, held,
            left, wall);
    }
}
