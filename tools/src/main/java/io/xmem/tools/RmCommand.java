package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.XmemException;
import io.xmem.ring.Ring;
import io.xmem.ring.RingInspection;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code xmem rm NAME}: deletes the files of a ring, a pool, or both of that name. */
@Command(name = "rm", mixinStandardHelpOptions = true,
    description = {"Deletes a ring's or a pool's files, or both when they share the name.", "",
        "Deletes NAME.ring and NAME.ring.lock, and NAME.pool and NAME.pool.lock, whichever exist, and says which. "
            + "Processes that have them open keep using them until they close them; the name is free for a new "
            + "ring or pool at once. Refuses (exit 1) while live processes other than this one use them, unless "
            + "--force. Exits 1 if there was neither.", ""})
final class RmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ShmName target;

    @Option(names = "--force", description = "Delete even while live processes use the ring or pool.")
    boolean force;

    @Override
    public Integer call() {
        if (!force) {
            String users = liveUsers();
            if (!users.isEmpty()) {
                throw new XmemException("'" + target.name + "' is in use by live processes (" + users + "): stop them "
                    + "first, or delete anyway with --force (they keep working on the unlinked files)");
            }
        }
        boolean ring = Ring.delete(target.name, target.dir); // both check the name first
        boolean pool = BufferPool.delete(target.name, target.dir);
        if (!ring && !pool) {
            throw target.notFound(null);
        }
        String what = ring && pool ? "ring and pool" : ring ? "ring" : "pool";
        spec.commandLine().getOut().printf("deleted %s '%s' from %s%n", what, target.name, target.dir);
        spec.commandLine().getOut().flush();
        return XmemCli.OK;
    }

    /** Pids of live subscribers of the ring and live participants of the pool, this process excluded. */
    private String liveUsers() {
        long self = ProcessHandle.current().pid();
        Set<Long> pids = new TreeSet<>();
        // Looked at from outside: rm must not join the pool (and free what dead processes held) to decide.
        if (target.isRing()) {
            try {
                RingInspection.inspect(target.name, target.dir).stats().subscribers().stream()
                    .filter(s -> s.alive() && s.pid() != self).forEach(s -> pids.add(s.pid()));
            } catch (XmemException e) {
                return ""; // a damaged ring file: nothing to protect
            }
        }
        if (target.isPool()) {
            try {
                PoolInspection.inspect(target.name, target.dir).participants().stream()
                    .filter(x -> x.alive() && !x.self() && x.pid() != self).forEach(x -> pids.add(x.pid()));
            } catch (XmemException e) {
                return "";
            }
        }
        return pids.isEmpty() ? "" : "pids " + pids;
    }
}
