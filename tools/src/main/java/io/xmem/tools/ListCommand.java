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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code xmem ls [DIR]}: the pools, rings and bridges in a directory, one line each. */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = {"Lists the pools, rings and bridge counters in a directory.", "",
        "One line per NAME.pool, NAME.ring, NAME.bridge-out and NAME.bridge-in file (the .lock files beside them "
            + "are not listed): kind, name, file size, and for a pool its buffers (total, free) and live "
            + "participants, for a ring its capacity, whether it is reliable or lossy, its pool, its subscribers and "
            + "how many records it has published, for a bridge whether it runs and its counts. A file that cannot "
            + "be opened (not xmem's, truncated, still being created) is listed with the reason; one still being "
            + "created can hold ls up for a few seconds. 'xmem stat NAME' shows more of each.", "",
        "ls only looks: it maps each file read-only and tests liveness through the lock files, without joining "
            + "any pool or ring, so it frees nothing; a pool where dead processes still hold buffers says how many "
            + "('xmem reclaim NAME' frees them). --json prints the same as one JSON object.", ""})
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory to list (default: ${DEFAULT-VALUE}).")
    Path dir = PoolConfig.DEFAULT_DIRECTORY;

    @Option(names = "--json", description = "One JSON object: the directory and an entry per file, for scripts.")
    boolean json;

    /** One pool, ring or bridge file found in the directory. */
    private record Entry(ShmKind kind, String name, Path file) {
        /** How the listing names it: a pool or ring by its name, a bridge by its file (a ring may have two). */
        String shown() {
            return kind.isBridge() ? file.getFileName().toString() : name;
        }

        String kindLabel() {
            return kind.isBridge() ? "bridge" : kind.label();
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Entry> entries = find();
        if (json) {
            Map<String, Object> listing = Json.object();
            listing.put("directory", dir.toString());
            listing.put("entries", entries.stream().map(this::json).toList());
            out.println(Json.write(listing));
        } else if (entries.isEmpty()) {
            out.printf("no pools, rings or bridges in %s%n", dir);
        } else {
            int nameWidth = "name".length();
            for (Entry e : entries) {
                nameWidth = Math.max(nameWidth, e.shown().length());
            }
            String row = "%-6s  %-" + nameWidth + "s  %10s  %s%n";
            out.printf(row, "kind", "name", "size", "contents");
            for (Entry e : entries) {
                out.printf(row, e.kindLabel(), e.shown(), size(e.file()), describe(e));
            }
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
                if (kind != null) {
                    entries.add(new Entry(kind, kind.nameOf(fileName), file));
                }
            }
        } catch (IOException e) {
            throw new XmemException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        entries.sort(Comparator.comparing(Entry::shown).thenComparing(Entry::kind));
        return entries;
    }

    private static String size(Path file) {
        try {
            return Bytes.format(Files.size(file));
        } catch (IOException e) {
            return "?";
        }
    }

    /** The counters of one file, or why it could not be opened: one bad file never fails the listing. */
    private String describe(Entry e) {
        try {
            return switch (e.kind()) {
                case POOL -> describePool(PoolInspection.inspect(e.name(), dir));
                case RING -> describeRing(RingInspection.inspect(e.name(), dir));
                case BRIDGE_OUT, BRIDGE_IN -> describeBridge(BridgeStats.read(e.file()));
            };
        } catch (XmemException ex) {
            return "error: " + ex.getMessage();
        } catch (RuntimeException ex) { // not one of xmem's own failures: keep its type for a bug report
            return "error: " + ex;
        }
    }

    private static String describePool(PoolSnapshot pool) {
        long live = pool.participants().stream().filter(p -> p.alive() && !p.self()).count();
        long dead = pool.participants().stream().filter(p -> !p.alive()).count();
        String deadOnes = dead == 0 ? ""
            // A dead entry that holds nothing needs no reclaim: the next process to join clears it.
            : pool.reclaimable() == 0 ? String.format(", %d dead holding nothing to reclaim", dead)
            : String.format(", %d dead holding %d (xmem reclaim %s)", dead, pool.reclaimable(), pool.name());
        return String.format("buffers %d total, %d free; %d live participant%s%s", pool.totalBuffers(),
            pool.totalFree(), live, live == 1 ? "" : "s", deadOnes);
    }

    private static String describeRing(RingSnapshot ring) {
        RingStats stats = ring.stats();
        int subscribers = stats.subscribers().size();
        return String.format("%s %s, %s; %d subscriber%s, %d published", Bytes.format(stats.capacity()),
            stats.lossy() ? "lossy" : "reliable", ring.hasPool() ? "pool " + poolOf(ring) : "no pool",
            subscribers, subscribers == 1 ? "" : "s", stats.published());
    }

    private static String describeBridge(BridgeStats b) {
        return String.format("%s, %s; %d messages, %d lost, %d back-pressured; %s stream %d", b.role(),
            b.alive() ? "running (pid " + b.pid() + ")" : "not running", b.messages(), b.lost(), b.backPressured(),
            b.channel(), b.streamId());
    }

    /** One entry for --json: what the line says, as fields. */
    private Map<String, Object> json(Entry e) {
        Map<String, Object> json = Json.object();
        json.put("kind", e.kind().label());
        json.put("name", e.name());
        json.put("file", e.file().toString());
        try {
            json.put("size", Files.size(e.file()));
        } catch (IOException ex) {
            json.put("size", null);
        }
        try {
            switch (e.kind()) {
                case POOL -> {
                    PoolSnapshot pool = PoolInspection.inspect(e.name(), dir);
                    json.put("buffers", pool.totalBuffers());
                    json.put("free", pool.totalFree());
                    json.put("liveParticipants", pool.participants().stream().filter(p -> p.alive() && !p.self())
                        .count());
                    json.put("deadParticipants", pool.participants().stream().filter(p -> !p.alive()).count());
                    json.put("reclaimable", pool.reclaimable());
                }
                case RING -> {
                    RingSnapshot ring = RingInspection.inspect(e.name(), dir);
                    json.put("capacity", ring.stats().capacity());
                    json.put("lossy", ring.stats().lossy());
                    json.put("pool", ring.poolName());
                    json.put("subscribers", ring.stats().subscribers().size());
                    json.put("published", ring.stats().published());
                }
                case BRIDGE_OUT, BRIDGE_IN -> {
                    BridgeStats b = BridgeStats.read(e.file());
                    json.put("role", b.role());
                    json.put("alive", b.alive());
                    json.put("pid", b.pid());
                    json.put("messages", b.messages());
                    json.put("lost", b.lost());
                    json.put("backPressured", b.backPressured());
                }
            }
            json.put("error", null);
        } catch (RuntimeException ex) { // as in the text: one bad file is an entry with its reason
            json.put("error", ex instanceof XmemException ? ex.getMessage() : ex.toString());
        }
        return json;
    }

    /** How a ring's pool reads in the tool's output. */
    static String poolOf(RingSnapshot ring) {
        return ring.hasPool() ? "'" + ring.poolName() + "'" : "none (inline only)";
    }
}
