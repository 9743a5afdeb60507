package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import io.xmem.pool.PoolStats;
import io.xmem.ring.PinRecount;
import io.xmem.ring.Ring;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** {@code xmem reclaim NAME}: frees the buffers dead processes still hold. */
@Command(name = "reclaim", mixinStandardHelpOptions = true,
    description = {"Frees the buffers dead processes still hold.", "",
        "Frees the buffers that processes which have died still held in a pool, prints how many, and names the "
            + "dead processes (pid, participant entry, buffers each held). Safe at any time: nothing a live process "
            + "holds is touched. The only xmem command that changes a pool: 'xmem stat' and 'xmem ls' only look.", "",
        "When no other process uses the pool, it then recounts the pins of the pool's rings: a process killed "
            + "while it released a batch of pins, or between pinning a buffer and publishing its record, leaves pins "
            + "no record owns; they are dropped and their buffers freed. With other processes in the pool that step "
            + "is skipped, and the line says so.", ""})
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
            PinRecount pins = Ring.recountPins(pool.name, pool.dir);
            if (!pins.done()) {
                out.printf("pins not recounted: %s%n", pins.notDoneBecause());
            } else {
                out.printf("pins recounted in %d ring%s: %d pin%s no record owned dropped, %d buffer%s freed; "
                    + "%d of %d buffers are free%n", pins.rings().size(), pins.rings().size() == 1 ? "" : "s",
                    pins.pinsDropped(), pins.pinsDropped() == 1 ? "" : "s", pins.buffersFreed(),
                    pins.buffersFreed() == 1 ? "" : "s", p.stats().totalFree(), p.stats().totalBuffers());
            }
            pins.problems().forEach(problem -> out.printf("  left alone: %s%n", problem));
        }
        out.flush();
        return XmemCli.OK;
    }
}
