package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import io.xmem.pool.PoolStats;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** {@code xmem reclaim NAME}: frees the buffers dead processes still hold. */
@Command(name = "reclaim", mixinStandardHelpOptions = true,
    description = {"Frees the buffers dead processes still hold.", "",
        "Frees the buffers that processes which have died still held in a pool, prints how many, and names the "
            + "dead processes (pid, participant entry, buffers each held). Safe at any time: nothing a live process "
            + "holds is touched. The only xmem command that changes a pool: 'xmem stat' and 'xmem ls' only look.", ""})
final class ReclaimCommand extends PoolCommand {
    @Override
    public Integer call() {
        PrintWriter out = out();
        // Who is dead, seen from outside before we join: joining reclaims at once.
        List<PoolSnapshot.Participant> dead = PoolInspection.inspect(pool.name, pool.dir).participants().stream()
            .filter(p -> !p.alive() && p.buffersHeld() > 0).toList();
        try (BufferPool p = BufferPool.open(pool.name, pool.dir)) {
            // Opening the pool already reclaims (the pool does so whenever a process joins it).
            int freed = p.reclaimedOnOpen() + p.reclaim();
            PoolStats stats = p.stats();
            if (freed == 0) {
                out.printf("pool '%s': no buffers held by dead processes; %d of %d buffers are free%n",
                    pool.name, stats.totalFree(), stats.totalBuffers());
            } else {
                out.printf("pool '%s': reclaimed %d buffer%s from dead processes; %d of %d buffers are free now%n",
                    pool.name, freed, freed == 1 ? "" : "s", stats.totalFree(), stats.totalBuffers());
            }
            for (PoolSnapshot.Participant d : dead) {
                out.printf("  dead pid %d (participant %d) held %d buffer%s%n", d.pid(), d.index(), d.buffersHeld(),
                    d.buffersHeld() == 1 ? "" : "s");
            }
        }
        out.flush();
        return XmemCli.OK;
    }
}
