package io.xmem.tools;

import io.xmem.bridge.BridgeStats;
import io.xmem.pool.PoolSnapshot;
import io.xmem.ring.RingSnapshot;
import io.xmem.ring.RingStats;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * {@code xmem stat} for people: a ring's counters, publishers and subscribers, its bridges, a pool's
 * size classes and participants with their roles, and in {@code --watch} the rates.
 *
 * <pre>
 * ring 'video' (/dev/shm/video.ring)
 *   ...
 *   rate            60 records/s, 3.8 KiB/s of log, 356 MiB/s of payload by reference
 * publishers (1):
 *   id  kind              pid  alive  writing  label
 *    0  exclusive        4242  yes    -        io.xmem.tools.FrameProducer
 * subscribers (2):
 *   ...
 * </pre>
 */
final class StatText {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneId.systemDefault());

    private StatText() {
    }

    static void print(PrintWriter out, StatLook look) {
        boolean first = true;
        if (look.ring != null) {
            ring(out, look);
            first = false;
        }
        for (StatLook.Bridge b : look.bridges) {
            if (!first) {
                out.println();
            }
            bridge(out, b);
            first = false;
        }
        if (look.pool != null) {
            if (!first) {
                out.println();
            }
            pool(out, look.pool, look);
        }
    }

    private static void ring(PrintWriter out, StatLook look) {
        RingSnapshot snapshot = look.ring;
        RingStats stats = snapshot.stats();
        out.printf("ring '%s' (%s)%n", stats.name(), snapshot.path());
        out.printf("  %-15s %s%n", "capacity", Bytes.format(stats.capacity()));
        out.printf("  %-15s %s%n", "mode", stats.lossy()
            ? "lossy: publishers never wait, overtaken subscribers lose records"
            : "reliable: the slowest live subscriber holds publishers back");
        out.printf("  %-15s %s%n", "pool", ListCommand.poolOf(snapshot)
            + (look.poolProblem.isEmpty() ? "" : " (" + look.poolProblem + ")"));
        out.printf("  %-15s %d%n", "tail", stats.tail());
        out.printf("  %-15s %d%n", "published", stats.published());
        out.printf("  %-15s %d%n", "back-pressured", stats.backPressured());
        out.printf("  %-15s %d%n", "laps", stats.laps());
        if (look.before != null && look.before.ring() != null) {
            double seconds = look.seconds();
            double referenced = look.referencedPerSecond();
            out.printf(Locale.ROOT, "  %-15s %.0f records/s, %s/s of log%s%n", "rate",
                (stats.published() - look.before.ring().published()) / seconds,
                Bytes.format((long) ((stats.tail() - look.before.ring().tail()) / seconds)),
                !snapshot.hasPool() ? "" : Double.isNaN(referenced) ? ", payload by reference: ?"
                    : ", " + (look.referencedEstimated() ? "about " : "") + Bytes.format((long) referenced)
                        + "/s of payload by reference");
        }
        publishers(out, look, stats.publishers());
        subscribers(out, look, stats.subscribers());
    }

    private static void publishers(PrintWriter out, StatLook look, List<RingStats.PublisherStats> publishers) {
        out.printf("publishers (%d):%n", publishers.size());
        if (publishers.isEmpty()) {
            out.printf("  %s%n", look.ring.publisherPid() == 0 ? "none yet"
                : "none now; the last to publish was pid " + look.ring.publisherPid());
            return;
        }
        out.printf("  %3s %-11s %10s %-6s %-7s %s%n", "id", "kind", "pid", "alive", "writing", "label");
        for (RingStats.PublisherStats p : publishers) {
            out.printf("  %3d %-11s %10s %-6s %-7s %s%n", p.id(), p.concurrent() ? "concurrent" : "exclusive",
                pid(p.pid(), look.pidHere(p)), yes(p.alive()), p.holdsTurn() ? "yes" : "-", label(p.label()));
        }
    }

    private static void subscribers(PrintWriter out, StatLook look, List<RingStats.SubscriberStats> subscribers) {
        boolean rates = look.before != null;
        out.printf("subscribers (%d):%n", subscribers.size());
        if (subscribers.isEmpty()) {
            return;
        }
        out.printf("  %5s %10s %-6s %14s %14s %10s%s  %s%n", "index", "pid", "alive", "position", "lag bytes", "lost",
            rates ? String.format("  %12s", "read/s") : "", "label");
        for (RingStats.SubscriberStats s : subscribers) {
            String rate = "";
            if (rates) {
                double r = look.subscriberRate(s);
                rate = String.format("  %12s", Double.isNaN(r) ? "-" : Bytes.format((long) r));
            }
            out.printf("  %5d %10s %-6s %14d %14d %10d%s  %s%s%n", s.index(), pid(s.pid(), look.pidHere(s)),
                s.evicted() ? "evict" : yes(s.alive()), s.position(), s.lag(), s.lost(), rate, label(s.label()),
                s.evicted() ? "  (evicted: it held publishers back too long, or an operator evicted it)" : "");
        }
    }

    private static void bridge(PrintWriter out, StatLook.Bridge b) {
        if (b.stats() == null) {
            out.printf("bridge %s: %s%n", b.file(), b.error());
            return;
        }
        BridgeStats s = b.stats();
        out.printf("%s bridge (%s)%n", s.role(), b.file());
        out.printf("  %-15s %d, %s%s, started %s%n", "pid", s.pid(), s.alive() ? "alive" : "not running",
            s.alive() || !s.running() ? "" : " (died without stopping)",
            TIME.format(Instant.ofEpochMilli(s.startMillis())));
        out.printf("  %-15s %s stream %d%n", "channel", s.channel(), s.streamId());
        out.printf("  %-15s %d%n", "messages", s.messages());
        out.printf("  %-15s %s%n", "bytes", Bytes.format(s.bytes()));
        out.printf("  %-15s %d%n", "chunks", s.fragments());
        out.printf("  %-15s %d%n", "back-pressure", s.backPressured());
        out.printf("  %-15s %d%n", "drops", s.drops());
        out.printf("  %-15s %d%n", "lost", s.lost());
        out.printf("  %-15s %d%n", "last sequence", s.lastSequence());
        out.printf("  %-15s %d%n", "malformed", s.malformed());
    }

    /** A pool alone, as {@code xmem demo} shows one that did not come back whole. */
    static void pool(PrintWriter out, PoolSnapshot pool) {
        pool(out, pool, null);
    }

    private static void pool(PrintWriter out, PoolSnapshot pool, StatLook look) {
        out.printf("pool '%s' (%s)%n", pool.name(), pool.path());
        String row = "  %-14s %8s %8s %8s %8s %12s%n";
        out.printf(row, "buffer size", "total", "free", "held", "pinned", "reclaimable");
        for (PoolSnapshot.SizeClass c : pool.sizeClasses()) {
            out.printf(row, Bytes.format(c.bufferSize()) + (c.device() ? " gpu" : ""), c.total(), c.free(), c.held(),
                c.pinned(), c.reclaimable());
        }
        out.printf(row, "all", pool.totalBuffers(), pool.totalFree(),
            pool.sizeClasses().stream().mapToInt(PoolSnapshot.SizeClass::held).sum(),
            pool.sizeClasses().stream().mapToInt(PoolSnapshot.SizeClass::pinned).sum(), pool.reclaimable());
        out.printf("participants (%d):%n", pool.participants().size());
        out.printf("  %5s %10s %-6s %6s  %-19s  %-30s  %s%n", "index", "pid", "alive", "held", "started", "role",
            "label");
        for (PoolSnapshot.Participant p : pool.participants()) {
            String started = p.startMillis() == 0 ? "?" : TIME.format(Instant.ofEpochMilli(p.startMillis()));
            String role = p.self() ? "this xmem process"
                : look == null || look.roles(p).isEmpty() ? "-" : String.join(", ", look.roles(p));
            out.printf("  %5d %10s %-6s %6d  %-19s  %-30s  %s%s%n", p.index(),
                pid(p.pid(), look == null ? OptionalLong.empty() : look.pidHere(p)), yes(p.alive()), p.buffersHeld(),
                started, role, label(p.label()), p.active() || p.self() ? "" : "  (left; bits remain)");
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

    /**
     * A pid as this process sees it; with the one in the file beside it when they differ (a process in
     * another PID namespace, such as a container, wrote its own).
     */
    static String pid(long recorded, OptionalLong here) {
        return here.isPresent() && here.getAsLong() != recorded ? here.getAsLong() + "(" + recorded + ")"
            : Long.toString(recorded);
    }

    private static String yes(boolean alive) {
        return alive ? "yes" : "no";
    }

    private static String label(String label) {
        return label == null || label.isEmpty() ? "-" : label;
    }
}
