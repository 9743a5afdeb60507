package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolNotFoundException;
import io.xmem.pool.PoolStats;
import io.xmem.ring.Ring;
import io.xmem.ring.RingStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/** {@code xmem stat NAME}: a ring's counters and subscribers, a pool's size classes and participants. */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = {"Shows a ring's counters and subscribers, or a pool's size classes and participants.", "",
        "For a ring (NAME.ring): capacity, reliable or lossy, its pool, the tail position, records published, "
            + "times a publisher was back-pressured, times a lossy ring lapped a subscriber; per subscriber: index, "
            + "pid, whether it is alive, its position, how many bytes of log it has still to read, records it lost.",
        "For a pool (NAME.pool): per size class how many buffers exist, are free and are held; per participant: "
            + "index, pid, whether it is alive, how many buffers it holds. Opening a pool (a ring opens its pool "
            + "too) frees what dead processes held, so stat shows the pool after that clean-up (it is a "
            + "participant itself while it looks).",
        "When a ring and a pool share the name, both are shown. With --watch it refreshes in place.", ""})
final class StatCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneId.systemDefault());

    @Spec
    CommandSpec spec;

    @Mixin
    ShmName target;

    @Option(names = "--watch", arity = "0..1", fallbackValue = "1", paramLabel = "SECONDS",
        description = "Refresh every SECONDS (default 1) until interrupted, redrawing in place like top; "
            + "from the second refresh a ring also shows records and bytes of log per second.")
    Double watch;

    /** For tests: stop after this many refreshes. */
    @Option(names = "--iterations", hidden = true)
    int iterations;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        boolean isRing = target.isRing();
        if (watch != null && (watch <= 0 || watch > 3600)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--watch takes a refresh interval from 0 to 3600 seconds, was " + watch);
        }
        Ring ring = null;
        BufferPool pool = null;
        try {
            if (isRing) {
                ring = Ring.open(target.name, target.dir);
            }
            if (!isRing || target.isPool()) {
                try { // checks the name, also when it is neither
                    pool = BufferPool.open(target.name, target.dir);
                } catch (PoolNotFoundException e) {
                    throw isRing ? e : target.notFound(e);
                }
            }
            RingStats previous = null;
            long previousNanos = 0;
            boolean terminal = System.console() != null;
            for (int n = 1; ; n++) {
                if (watch != null) {
                    out.print(terminal ? "\033[H\033[2J" : (n > 1 ? System.lineSeparator() : ""));
                    out.printf("xmem stat %s, every %s s (Ctrl-C to stop), %s%n%n", target.name, watch,
                        TIME.format(Instant.now()));
                }
                if (ring != null) {
                    RingStats stats = ring.stats();
                    long now = System.nanoTime();
                    print(out, target.dir.resolve(target.name + ListCommand.RING_SUFFIX).toString(), ListCommand.poolOf(ring),
                        stats);
                    if (previous != null) {
                        double seconds = (now - previousNanos) / 1e9;
                        out.printf("  %-15s %.0f records/s, %s/s of log%n", "rate",
                            (stats.published() - previous.published()) / seconds,
                            Bytes.format((long) ((stats.tail() - previous.tail()) / seconds)));
                    }
                    previous = stats;
                    previousNanos = now;
                    BridgeStatus.print(out, target.dir, target.name);
                }
                if (pool != null) {
                    if (ring != null) {
                        out.println();
                    }
                    print(out, pool.path().toString(), pool.stats());
                }
                out.flush();
                if (watch == null || (iterations > 0 && n >= iterations)) {
                    return XmemCli.OK;
                }
                Thread.sleep((long) (watch * 1000));
            }
        } finally {
            if (ring != null) {
                ring.close();
            }
            if (pool != null) {
                pool.close();
            }
        }
    }

    static void print(PrintWriter out, String path, String pool, RingStats stats) {
        out.printf("ring '%s' (%s)%n", stats.name(), path);
        out.printf("  %-15s %s%n", "capacity", Bytes.format(stats.capacity()));
        out.printf("  %-15s %s%n", "mode", stats.lossy()
            ? "lossy: publishers never wait, overtaken subscribers lose records"
            : "reliable: the slowest live subscriber holds publishers back");
        out.printf("  %-15s %s%n", "pool", pool);
        out.printf("  %-15s %d%n", "tail", stats.tail());
        out.printf("  %-15s %d%n", "published", stats.published());
        out.printf("  %-15s %d%n", "back-pressured", stats.backPressured());
        out.printf("  %-15s %d%n", "laps", stats.laps());
        out.printf("subscribers (%d):%n", stats.subscribers().size());
        out.printf("  %5s %10s %-6s %14s %14s %10s%n", "index", "pid", "alive", "position", "lag bytes", "lost");
        for (RingStats.SubscriberStats s : stats.subscribers()) {
            out.printf("  %5d %10d %-6s %14d %14d %10d%n", s.index(), s.pid(), s.alive() ? "yes" : "no", s.position(),
                s.lag(), s.lost());
        }
    }

    static void print(PrintWriter out, String path, PoolStats stats) {
        out.printf("pool '%s' (%s)%n", stats.name(), path);
        out.printf("  %-12s %8s %8s %8s%n", "buffer size", "total", "free", "held");
        for (PoolStats.SizeClassStats c : stats.sizeClasses()) {
            out.printf("  %-12s %8d %8d %8d%n", Bytes.format(c.bufferSize()), c.total(), c.free(), c.held());
        }
        int total = stats.totalBuffers();
        int free = stats.totalFree();
        out.printf("  %-12s %8d %8d %8d%n", "all", total, free, total - free);
        out.printf("participants (%d):%n", stats.participants().size());
        out.printf("  %5s %10s %-6s %6s  %s%n", "index", "pid", "alive", "held", "started");
        for (PoolStats.Participant p : stats.participants()) {
            String started = p.startMillis() == 0 ? "?" : TIME.format(Instant.ofEpochMilli(p.startMillis()));
            out.printf("  %5d %10d %-6s %6d  %s%s%n", p.index(), p.pid(), p.alive() ? "yes" : "no", p.buffersHeld(),
                started, p.self() ? "  (this xmem process)" : "");
        }
    }
}
