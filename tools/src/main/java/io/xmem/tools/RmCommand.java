package io.xmem.tools;

import io.xmem.bridge.BridgeStats;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.XmemException;
import io.xmem.ring.Ring;
import io.xmem.ring.RingInspection;
import io.xmem.ring.RingStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code xmem rm NAME}: deletes every file of NAME (pool, ring, the ring's bridge counters), or the one
 * file NAME is the name of ({@code md.bridge-out}).
 */
@Command(name = "rm", mixinStandardHelpOptions = true,
    description = {"Deletes the files of a pool, a ring and the ring's bridges.", "",
        "Deletes whichever of NAME.ring and NAME.ring.lock, NAME.pool and NAME.pool.lock, NAME.bridge-out and "
            + "NAME.bridge-in exist, and says which; 'xmem rm NAME.bridge-out' deletes that one file. "
            + "What 'xmem create' made, 'xmem rm' removes. Processes that have the files open keep using them until "
            + "they close them; the name is free at once. Refuses (exit 1) while live processes other than this one "
            + "use them (a pool's participants, a ring's publishers and subscribers, a running bridge), unless "
            + "--force. Exits 1 if there was nothing of that name.", ""})
final class RmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ShmName target;

    @Option(names = "--force", description = "Delete even while live processes use the files.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        ShmName.Found found = target.find();
        if (found.kinds().isEmpty()) {
            throw target.notFound(null);
        }
        if (!force) {
            String users = liveUsers(found);
            if (!users.isEmpty()) {
                throw new XmemException("'" + target.name + "' is in use by live processes (" + users + "): stop "
                    + "them first, or delete anyway with --force (they keep working on the unlinked files)");
            }
        }
        List<String> deleted = new ArrayList<>();
        for (ShmKind kind : found.kinds()) {
            if (delete(kind, found.name())) {
                deleted.add(kind.label());
            }
        }
        if (deleted.isEmpty()) { // deleted by someone else since we looked
            throw target.notFound(null);
        }
        String what = deleted.size() == 1 ? deleted.getFirst()
            : String.join(", ", deleted.subList(0, deleted.size() - 1)) + " and " + deleted.getLast();
        spec.commandLine().getOut().printf("deleted %s '%s' from %s%n", what, found.name(), target.dir);
        spec.commandLine().getOut().flush();
        return XmemCli.OK;
    }

    private boolean delete(ShmKind kind, String name) throws IOException {
        return switch (kind) {
            case RING -> Ring.delete(name, target.dir);
            case POOL -> BufferPool.delete(name, target.dir);
            case BRIDGE_OUT, BRIDGE_IN -> deleteAll(kind.files(name, target.dir));
        };
    }

    private static boolean deleteAll(List<Path> files) throws IOException {
        boolean any = false;
        for (Path file : files) {
            any |= Files.deleteIfExists(file);
        }
        return any;
    }

    /** Pids of the live users of what is to be deleted, this process excluded; "" if none. */
    private String liveUsers(ShmName.Found found) {
        long self = ProcessHandle.current().pid();
        Set<Long> pids = new TreeSet<>();
        // Looked at from outside: rm must not join the pool (and free what dead processes held) to decide.
        // A file too damaged to read has nobody to protect.
        String name = found.name();
        if (found.has(ShmKind.RING)) {
            ignoringDamage(() -> {
                RingStats stats = RingInspection.inspect(name, target.dir).stats();
                stats.subscribers().stream().filter(s -> s.alive() && s.pid() != self).forEach(s -> pids.add(s.pid()));
                stats.publishers().stream().filter(p -> p.alive() && p.pid() != self).forEach(p -> pids.add(p.pid()));
            });
        }
        if (found.has(ShmKind.POOL)) {
            ignoringDamage(() -> PoolInspection.inspect(name, target.dir).participants().stream()
                .filter(x -> x.alive() && !x.self() && x.pid() != self).forEach(x -> pids.add(x.pid())));
        }
        for (ShmKind bridge : List.of(ShmKind.BRIDGE_OUT, ShmKind.BRIDGE_IN)) {
            if (found.has(bridge)) {
                ignoringDamage(() -> {
                    BridgeStats s = BridgeStats.read(bridge.file(name, target.dir));
                    if (s.alive() && s.pid() != self) {
                        pids.add(s.pid());
                    }
                });
            }
        }
        return pids.isEmpty() ? "" : "pids " + pids;
    }

    private static void ignoringDamage(Runnable look) {
        try {
            look.run();
        } catch (XmemException e) {
            // damaged or half-created: nothing alive to protect
        }
    }
}
