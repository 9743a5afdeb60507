package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.ring.Ring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code xmem rm NAME}: deletes the files of a ring, a pool, or both of that name. */
@Command(name = "rm", mixinStandardHelpOptions = true,
    description = {"Deletes a ring's or a pool's files, or both when they share the name.", "",
        "Deletes NAME.ring and NAME.ring.lock, and NAME.pool and NAME.pool.lock, whichever exist, and says which. "
            + "Processes that have them open keep using them until they close them; the name is free for a new "
            + "ring or pool at once. Exits 1 if there was neither.", ""})
final class RmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ShmName target;

    @Override
    public Integer call() {
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
}
