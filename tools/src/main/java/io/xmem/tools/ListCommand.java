package io.xmem.tools;

import io.xmem.bridge.BridgeStats;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import io.xmem.pool.XmemException;
import io.xmem.ring.RingInspection;
import io.xmem.ring.RingSnapshot;
import io.xmem.ring.RingStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code xmem ls [DIR]}: the pools and rings in a directory, one line each. */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = {"Lists the pools and rings in a directory.", "",
        "One line per NAME.pool and NAME.ring file (the .lock files beside them are not listed): kind, name, "
            + "file size, and for a pool its buffers (total, free) and live participants, for a ring its capacity, "
            + "whether it is reliable or lossy, its pool, its subscribers and how many records it has published. "
            + "A file that cannot be opened (not xmem's, truncated, still being created) is listed with the reason; "
            + "one still being created can hold ls up for a few seconds.", "",
        "ls only looks: it maps each file read-only and tests liveness through the lock files, without joining "
            + "any pool or ring, so it frees nothing; a pool where dead processes still hold buffers says how many "
            + "('xmem reclaim NAME' frees them).", ""})
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory to list (default: ${DEFAULT-VALUE}).")
    Path dir = PoolConfig.DEFAULT_DIRECTORY;

    /** One pool or ring file found in the directory. */
    private record Entry(String kind, String name, Path file) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Entry> entries = find();
        if (entries.isEmpty()) {
            out.printf("no pools or rings in %s%n", dir);
            out.flush();
            return XmemCli.OK;
        }
        int nameWidth = "name".length();
        for (Entry e : entries) {
            nameWidth = Math.max(nameWidth, e.name().length());
        }
        String row = "%-4s  %-" + nameWidth + "s  %10s  %s%n";
        out.printf(row, "kind", "name", "size", "contents");
        for (Entry e : entries) {
            out.printf(row, e.kind(), e.name(), size(e.file()), describe(e));
        }
        out.flush();
        return XmemCli.OK;
    }

    private List<Entry> find() {
        if (!Files.isDirectory(dir)) {
            throw new XmemException(dir + " is not a directory: pass the one the pools and rings are in, "
                + "or leave DIR out to list /dev/shm");
        }
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String fileName = file.getFileName().toString();
                ShmKind kind = ShmKind.of(fileName);
                if (kind == ShmKind.POOL || kind == ShmKind.RING) {
                    entries.add(new Entry(kind.label(), kind.nameOf(fileName), file));
                } else if (kind != null) {
                    entries.add(new Entry("bridge", fileName, file)); // named by file: a ring may have both
                }
            }
        } catch (IOException e) {
            throw new XmemException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        entries.sort(Comparator.comparing(Entry::name).thenComparing(Entry::kind));
        return entries;
    }

    private static String size(Path file) {
        try {
            return Bytes.format(Files.size(file));
        } catch (IOException e) {
            return "?";
        }
    }

    /** The counters of one pool or ring, or why it could not be opened: one bad file never fails the listing. */
    private String describe(Entry e) {
        try {
            return switch (e.kind()) {
                case "pool" -> describePool(e.name());
                case "ring" -> describeRing(e.name());
                default -> describeBridge(e.file());
            };
        } catch (XmemException ex) {
            return "error: " + ex.getMessage();
        } catch (RuntimeException ex) { // not one of xmem's own failures: keep its type for a bug report
            return "error: " + ex;
        }
    }

    private String describePool(String name) {
        PoolSnapshot pool = PoolInspection.inspect(name, dir);
        long live = pool.participants().stream().filter(p -> p.alive() && !p.self()).count();
        long dead = pool.participants().stream().filter(p -> !p.alive()).count();
        String deadOnes = dead == 0 ? ""
            // A dead entry that holds nothing needs no reclaim: the next process to join clears it.
            : pool.reclaimable() == 0 ? String.format(", %d dead holding nothing to reclaim", dead)
            : String.format(", %d dead holding %d (xmem reclaim %s)", dead, pool.reclaimable(), name);
        return String.format("buffers %d total, %d free; %d live participant%s%s", pool.totalBuffers(),
            pool.totalFree(), live, live == 1 ? "" : "s", deadOnes);
    }

    private String describeRing(String name) {
        RingSnapshot ring = RingInspection.inspect(name, dir);
        RingStats stats = ring.stats();
        int subscribers = stats.subscribers().size();
        return String.format("%s %s, %s; %d subscriber%s, %d published", Bytes.format(stats.capacity()),
            stats.lossy() ? "lossy" : "reliable", ring.hasPool() ? "pool " + poolOf(ring) : "no pool",
            subscribers, subscribers == 1 ? "" : "s", stats.published());
    }

    private static String describeBridge(Path file) {
        BridgeStats b = BridgeStats.read(file);
        return String.format("%s, %s; %d messages, %d lost, %d back-pressured; %s stream %d", b.role(),
            b.alive() ? "running (pid " + b.pid() + ")" : "not running", b.messages(), b.lost(), b.backPressured(),
            b.channel(), b.streamId());
    }

    /** How a ring's pool reads in the tool's output. */
    static String poolOf(RingSnapshot ring) {
        return ring.hasPool() ? "'" + ring.poolName() + "'" : "none (inline only)";
    }
}
