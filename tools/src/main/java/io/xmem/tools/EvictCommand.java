package io.xmem.tools;

import io.xmem.pool.PoolConfig;
import io.xmem.pool.XmemException;
import io.xmem.ring.Ring;
import io.xmem.ring.RingNotFoundException;
import io.xmem.ring.RingStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code xmem evict RING INDEX}: evicts one subscriber of a ring ({@link Ring#evict(int)}), as the
 * ring's publisher does with one that holds it back longer than the subscriber timeout.
 *
 * <pre>{@code
 * xmem stat video           # subscriber 2 is far behind
 * xmem evict video 2        # evicted subscriber 2 of ring 'video': pid 4242, label png, 65536 bytes behind ...
 * }</pre>
 */
@Command(name = "evict", mixinStandardHelpOptions = true,
    description = {"Evicts one subscriber of a ring, by its index, as the ring's subscriber timeout would.", "",
        "The subscriber at INDEX ('xmem stat RING' lists them) stops holding the ring's publishers back, the "
            + "buffers of the records it has not read are released once the other subscribers have passed them, and "
            + "its next poll throws SubscriberEvictedException saying how far behind it was, so that it can "
            + "subscribe again (at the newest record). Prints the subscriber's pid, label and how far behind it was.",
        "Only for a ring created with a subscriber timeout ('xmem create ring --subscriber-timeout', "
            + "RingConfig.subscriberTimeout): its subscribers copy or "
            + "attach what they read before they use it, so nothing changes under one once it is evicted. Any other "
            + "ring refuses (exit 1). Like any process that opens a ring, xmem evict opens the ring's pool, and "
            + "the pool frees what dead processes held when a process joins it.",
        "Exit 1 when the ring is missing or refuses, or INDEX is not a live subscriber (an empty entry, or one "
            + "evicted already); exit 2 for an INDEX outside the ring's subscriber table.", ""})
final class EvictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RING", description = "The ring's name (its file is RING.ring).")
    String name;

    @Parameters(index = "1", paramLabel = "INDEX", description = "The subscriber's index, as 'xmem stat RING' shows.")
    int index;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory of the ring and its pool (default: ${DEFAULT-VALUE}).")
    Path dir = PoolConfig.DEFAULT_DIRECTORY;

    @Override
    public Integer call() {
        if (index < 0) {
            throw new ParameterException(spec.commandLine(), "INDEX is a subscriber's index, 0 or more, as 'xmem stat "
                + name + "' shows it; was " + index);
        }
        if (!Files.exists(ShmKind.RING.file(name, dir))) { // checks the name first: a bad one is a usage error
            throw new RingNotFoundException("no ring '" + name + "' in " + dir + ": check the name ('xmem ls " + dir
                + "' lists them) or pass --dir");
        }
        try (Ring ring = Ring.open(name, dir)) {
            RingStats.SubscriberStats before = subscriber(ring.stats());
            boolean evicted;
            try {
                evicted = ring.evict(index);
            } catch (IllegalArgumentException e) { // outside the subscriber table: the index typed was wrong
                throw new ParameterException(spec.commandLine(), e.getMessage());
            } catch (XmemException e) { // a ring without a subscriber timeout: say how to make one from here
                throw new XmemException(e.getMessage() + ", or 'xmem create ring " + name + " --subscriber-timeout "
                    + "SECONDS'", e);
            }
            if (!evicted) {
                throw new XmemException(before == null || !before.evicted()
                    ? "ring '" + name + "' has no subscriber at index " + index + ": 'xmem stat " + name
                        + "' lists them"
                    : "subscriber " + index + " of ring '" + name + "' (pid " + before.pid() + ") was evicted already; "
                        + "its process subscribes again, or closes, when it learns so at its next poll");
            }
            RingStats.SubscriberStats row = subscriber(ring.stats()); // now with the lag it was evicted at
            PrintWriter out = spec.commandLine().getOut();
            out.printf("evicted subscriber %d of ring '%s': %s; its next poll throws SubscriberEvictedException%n",
                index, name, describe(row != null && row.evicted() ? row : before));
            out.flush();
        }
        return XmemCli.OK;
    }

    /** Who the subscriber was: pid, label and how far behind; "it has left since" without a row. */
    private static String describe(RingStats.SubscriberStats row) {
        if (row == null) {
            return "it has left since";
        }
        return "pid " + row.pid() + (row.alive() ? "" : " (dead already)") + ", label "
            + (row.label().isEmpty() ? "-" : row.label()) + ", " + row.lag() + " bytes behind the tail";
    }

    /** The stats row of subscriber {@link #index}, or null when the entry is empty. */
    private RingStats.SubscriberStats subscriber(RingStats stats) {
        return stats.subscribers().stream().filter(s -> s.index() == index).findFirst().orElse(null);
    }
}
