package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolNotFoundException;
import picocli.CommandLine.Command;

/** {@code xmem rm NAME}: deletes a pool's files. */
@Command(name = "rm", mixinStandardHelpOptions = true,
    description = {"Deletes a pool's files.", "",
        "Deletes NAME.pool and NAME.pool.lock. Processes that have the pool open keep using it until they "
            + "close it; the name is free for a new pool at once.", ""})
final class RmCommand extends PoolCommand {
    @Override
    public Integer call() {
        if (!BufferPool.delete(pool.name, pool.dir)) {
            throw new PoolNotFoundException("pool '" + pool.name + "' does not exist in " + pool.dir
                + ": check the name (pools are the *.pool files there) or pass --dir");
        }
        out().printf("deleted pool '%s' from %s%n", pool.name, pool.dir);
        out().flush();
        return XmemCli.OK;
    }
}
