package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolStats;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code xmem reclaim NAME}: frees the buffers dead processes still hold. */
@Command(name = "reclaim", mixinStandardHelpOptions = true,
    description = {"Frees the buffers dead processes still hold.", "",
        "Frees the buffers that processes which have died still held in a pool, and prints how many. "
            + "Safe at any time: nothing a live process holds is touched.", ""})
final class ReclaimCommand extends PoolCommand {
    @Override
    public Integer call() {
        PrintWriter out = out();
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
        }
        out.flush();
        return XmemCli.OK;
    }
}
