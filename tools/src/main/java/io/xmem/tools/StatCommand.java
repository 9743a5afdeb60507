package io.xmem.tools;

import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import io.xmem.pool.PoolNotFoundException;
import io.xmem.ring.RingInspection;
import io.xmem.ring.RingSnapshot;
import io.xmem.ring.RingStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.Callable;

/** {@code xmem stat NAME}: a ring's counters and subscribers, a pool's size classes and participants. */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = {"Shows a ring's counters and subscribers, or a pool's size classes and participants.", "",
        "For a ring (NAME.ring): capacity, reliable or lossy, its pool, the tail position, records published, "
            + "times a publisher was back-pressured, times a lossy ring lapped a subscriber; per subscriber: index, "
            + "pid, whether it is alive, its position, how many bytes of log it has still to read, records it lost.",
        "For a pool (NAME.pool): per size class how many buffers exist, are free, are held by processes, are "
            + "pinned by ring records, and could be reclaimed (held only by dead processes); per participant: "
            + "index, pid, whether it is alive, how many buffers it holds.",
        "stat only looks: it maps the files read-only and tests liveness through the lock files, without "
            + "joining the pool or the ring, so it frees nothing and a dead process's buffers stay visible until "
            + "'xmem reclaim NAME'. Exit 1 if the files are missing, damaged or still being created after 5 s.",
        "When a ring and a pool share the name, both are shown. With --watch it refreshes in place.", ""})
final class StatCommand implements Callable<Integer> {
    private static final int MAX_WATCH_SECONDS = 3600;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneId.systemDefault());

    @Spec
    CommandSpec spec;

    @Mixin
    ShmName target;

    @Option(names = "--watch", arity = "0..1", fallbackValue = WatchInterval.DEFAULT, paramLabel = "SECONDS",
        preprocessor = WatchInterval.class,
        description = "Refresh every SECONDS (default 1) until interrupted, redrawing in place like top; "
            + "from the second refresh a ring also shows records and bytes of log per second. "
            + "'--watch NAME' and '--watch 0.5 NAME' both work.")
    Double watch;

    /** For tests: stop after this many refreshes. */
    @Option(names = "--iterations", hidden = true)
    int iterations;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (watch != null && (!(watch > 0) || watch > MAX_WATCH_SECONDS)) {
            throw new ParameterException(spec.commandLine(), "--watch takes a refresh interval of more than 0 and "
                + "at most " + MAX_WATCH_SECONDS + " seconds, e.g. --watch=0.5; was " + WatchInterval.format(watch));
        }
        boolean isRing = target.isRing();
        boolean isPool = target.isPool();
        if (!isRing && !isPool) {
            try { // checks the name first: a bad one is a usage error, not a missing file
                PoolInspection.inspect(target.name, target.dir);
            } catch (PoolNotFoundException e) {
                throw target.notFound(e);
            }
            isPool = true; // created since we looked
        }
        RingStats previous = null;
        long previousNanos = 0;
        boolean terminal = System.console() != null;
        for (int n = 1; ; n++) {
            // Each refresh looks again from outside: nothing is opened, joined or freed.
            RingSnapshot ring = isRing ? RingInspection.inspect(target.name, target.dir) : null;
            PoolSnapshot pool = isPool ? PoolInspection.inspect(target.name, target.dir) : null;
            if (watch != null) {
                out.print(terminal ? "\033[H\033[2J" : (n > 1 ? System.lineSeparator() : ""));
                out.printf("xmem stat %s, every %s s (Ctrl-C to stop), %s%n%n", target.name,
                    WatchInterval.format(watch), TIME.format(Instant.now()));
            }
            if (ring != null) {
                RingStats stats = ring.stats();
                long now = System.nanoTime();
                print(out, ring.path().toString(), ListCommand.poolOf(ring) + poolProblem(ring, pool), stats);
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
                print(out, pool);
            }
            out.flush();
            if (watch == null || (iterations > 0 && n >= iterations)) {
                return XmemCli.OK;
            }
            Thread.sleep((long) (watch * 1000));
        }
    }

    /**
     * Lets {@code --watch} take an interval only when the next argument is a number: the option's
     * value is optional, and picocli would otherwise take {@code NAME} in {@code --watch NAME} for it.
     */
    static final class WatchInterval implements IParameterPreprocessor {
        static final String DEFAULT = "1";

        @Override
        public boolean preprocess(Stack<String> args, CommandSpec command, ArgSpec option, Map<String, Object> info) {
            if (" ".equals(info.get("separator")) && (args.isEmpty() || !isNumber(args.peek()))) {
                args.push(DEFAULT); // no interval given: as if --watch=1
            }
            return false; // picocli goes on and takes the interval from the stack
        }

        private static boolean isNumber(String arg) {
            try {
                Double.parseDouble(arg);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        /** An interval as the user would write it: 2, not 2.0. */
        static String format(double seconds) {
            return seconds == Math.rint(seconds) && Math.abs(seconds) < 1e15 ? Long.toString((long) seconds)
                : Double.toString(seconds);
        }
    }

    /**
     * Why the ring's buffer references cannot be followed, or "": its pool is gone, or was deleted
     * and created again (another id), so the tokens in its records name other buffers.
     */
    private String poolProblem(RingSnapshot ring, PoolSnapshot sameName) {
        if (!ring.hasPool()) {
            return "";
        }
        long id;
        if (sameName != null && sameName.name().equals(ring.poolName())) {
            id = sameName.poolId();
        } else {
            try {
                id = PoolInspection.inspect(ring.poolName(), target.dir).poolId();
            } catch (PoolNotFoundException e) {
                return " (missing: the ring cannot be opened; recreate the pool and the ring)";
            }
        }
        return id == ring.poolId() ? ""
            : " (deleted and created again since the ring was made: the ring cannot be opened; recreate it)";
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

    static void print(PrintWriter out, PoolSnapshot pool) {
        out.printf("pool '%s' (%s)%n", pool.name(), pool.path());
        String row = "  %-14s %8s %8s %8s %8s %12s%n";
        out.printf(row, "buffer size", "total", "free", "held", "pinned", "reclaimable");
        for (PoolSnapshot.SizeClass c : pool.sizeClasses()) {
            out.printf(row, Bytes.format(c.bufferSize()) + (c.device() ? " gpu" : ""), c.total(), c.free(), c.held(),
                c.pinned(), c.reclaimable());
        }
        int total = pool.totalBuffers();
        int free = pool.totalFree();
        out.printf(row, "all", total, free, pool.sizeClasses().stream().mapToInt(PoolSnapshot.SizeClass::held).sum(),
            pool.sizeClasses().stream().mapToInt(PoolSnapshot.SizeClass::pinned).sum(), pool.reclaimable());
        out.printf("participants (%d):%n", pool.participants().size());
        out.printf("  %5s %10s %-6s %6s  %s%n", "index", "pid", "alive", "held", "started");
        for (PoolSnapshot.Participant p : pool.participants()) {
            String started = p.startMillis() == 0 ? "?" : TIME.format(Instant.ofEpochMilli(p.startMillis()));
            out.printf("  %5d %10d %-6s %6d  %s%s%n", p.index(), p.pid(), p.alive() ? "yes" : "no", p.buffersHeld(),
                started, p.self() ? "  (this xmem process)" : p.active() ? "" : "  (left; bits remain)");
        }
        if (pool.reclaimable() > 0) {
            out.printf("%d buffer%s held only by dead processes: 'xmem reclaim %s' frees them%n", pool.reclaimable(),
                pool.reclaimable() == 1 ? " is" : "s are", pool.name());
        }
        if (pool.corruptSlots() > 0) {
            out.printf("warning: %d slot%s name participant entries the pool does not have: the file is damaged%n",
                pool.corruptSlots(), pool.corruptSlots() == 1 ? "" : "s");
        }
    }
}
