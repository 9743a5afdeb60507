package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolStats;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** {@code xmem stat NAME}: a pool's size classes and participants. */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = {"Shows a pool's size classes and participants.", "",
        "Per size class: how many buffers exist, are free and are held. Per participant: index, pid, "
            + "whether it is alive, how many buffers it holds. Opening a pool frees what dead processes held, "
            + "so stat shows the pool after that clean-up (it is a participant itself while it looks).", ""})
final class StatCommand extends PoolCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneId.systemDefault());

    @Override
    public Integer call() {
        PrintWriter out = out();
        try (BufferPool p = BufferPool.open(pool.name, pool.dir)) {
            print(out, p.path().toString(), p.stats());
        }
        out.flush();
        return XmemCli.OK;
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
