package io.xmem.tools;

import io.xmem.bridge.BridgeStats;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolNotFoundException;
import io.xmem.pool.PoolSnapshot;
import io.xmem.pool.XmemException;
import io.xmem.ring.Ring;
import io.xmem.ring.RingInspection;
import io.xmem.ring.RingSnapshot;
import io.xmem.ring.RingStats;
import io.xmem.ring.RingTraffic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * One look of {@code xmem stat} at what a name stands for: the ring, the pool and the ring's bridges,
 * taken from outside (nothing opened, joined or freed), with who is who and, from a second look on,
 * rates. {@link StatText} and {@link StatJson} show it.
 *
 * <p>Who is who: each live entry's process is named by the pid this process sees (the holder of the
 * entry's lock byte, {@link LockHolders}), which differs from the pid in the file for a process in
 * another PID namespace; a pool's participants get their roles from the rings bound to the pool and
 * those rings' bridges in the same directory (publisher, subscriber, egress, ingress of ring R).
 */
final class StatLook {
    /** The ring's publishing byte in {@code NAME.ring.lock}; publication {@code k} holds this + k (ring/LAYOUT.md). */
    static final long PUBLISHING_BYTE = 1L << 20;

    final String name;
    final Path dir;
    final long nanos = System.nanoTime();
    final RingSnapshot ring;
    /** Why the ring's references cannot be followed ("" when they can). */
    final String poolProblem;
    final PoolSnapshot pool;
    final List<Bridge> bridges;
    /** What the previous look saw, for rates; null on the first look. */
    final Before before;
    /** What the ring carried since the previous look; null on the first look. */
    final RingTraffic traffic;
    private final LockHolders locks = LockHolders.read();
    private final Map<Long, List<String>> roles = new HashMap<>();

    /** What a rate needs of the previous look: when it was taken, and the ring's stats then (or null). */
    record Before(long nanos, RingStats ring) {
    }

    /** One bridge counters file: its stats, or why they could not be read. */
    record Bridge(Path file, BridgeStats stats, String error) {
    }

    private StatLook(ShmName.Found found, Path dir, Before before) {
        this.name = found.name();
        this.dir = dir;
        this.ring = found.has(ShmKind.RING) ? RingInspection.inspect(name, dir) : null;
        this.pool = found.has(ShmKind.POOL) ? PoolInspection.inspect(name, dir) : null;
        this.poolProblem = ring == null ? "" : poolProblem(ring, pool);
        this.bridges = bridges(found);
        this.before = before;
        this.traffic = before != null && before.ring() != null && ring != null
            ? RingInspection.traffic(name, dir, before.ring().tail()) : null;
        if (pool != null) {
            collectRoles();
        }
    }

    /** Looks now; {@code previous} (null on the first look) gives the rates. */
    static StatLook take(ShmName.Found found, Path dir, StatLook previous) {
        return new StatLook(found, dir,
            previous == null ? null : new Before(previous.nanos, previous.ring == null ? null : previous.ring.stats()));
    }

    double seconds() {
        return before == null ? Double.NaN : (nanos - before.nanos()) / 1e9;
    }

    /** Referenced payload bytes per second since the previous look, scaled up when the log wrapped; NaN before. */
    double referencedPerSecond() {
        if (traffic == null) {
            return Double.NaN;
        }
        long asked = ring.stats().tail() - before.ring().tail();
        long read = traffic.to() - traffic.from();
        if (asked <= 0) {
            return 0;
        }
        return read <= 0 ? Double.NaN : traffic.referencedBytes() * ((double) asked / read) / seconds();
    }

    /** Whether {@link #referencedPerSecond} is an estimate: the log wrapped and older records were gone. */
    boolean referencedEstimated() {
        return traffic != null && traffic.to() - traffic.from() < ring.stats().tail() - before.ring().tail();
    }

    /** A subscriber's bytes of log per second since the previous look; NaN before, or for a new entry. */
    double subscriberRate(RingStats.SubscriberStats s) {
        if (before == null || before.ring() == null) {
            return Double.NaN;
        }
        for (RingStats.SubscriberStats p : before.ring().subscribers()) {
            if (p.index() == s.index() && p.pid() == s.pid() && s.position() >= p.position()) {
                return (s.position() - p.position()) / seconds();
            }
        }
        return Double.NaN;
    }

    // ------------------------------------------------------------------------------ pids and roles

    /** The pid this process sees for pool participant {@code p}: the holder of its lock byte while it lives. */
    OptionalLong pidHere(PoolSnapshot.Participant p) {
        return p.alive() ? locks.holder(BufferPool.files(name, dir).getLast(), p.index()) : OptionalLong.empty();
    }

    OptionalLong pidHere(RingStats.SubscriberStats s) {
        return s.alive() ? locks.holder(Ring.files(name, dir).getLast(), s.index()) : OptionalLong.empty();
    }

    OptionalLong pidHere(RingStats.PublisherStats p) {
        return p.alive() ? locks.holder(Ring.files(name, dir).getLast(), PUBLISHING_BYTE + p.id())
            : OptionalLong.empty();
    }

    /** What participant {@code p} is to the pool and the rings bound to it: "creator", "publisher of 'video'", ... */
    List<String> roles(PoolSnapshot.Participant p) {
        List<String> found = new ArrayList<>();
        // The creator's pid and the entry's are both its writer's own; a process started after the pool was
        // made cannot have created it, whatever its pid.
        if (p.pid() == pool.creatorPid() && p.startMillis() != 0 && p.startMillis() <= pool.createdMillis()) {
            found.add("creator");
        }
        found.addAll(roles.getOrDefault(pidHere(p).orElse(p.pid()), List.of()));
        return found;
    }

    /**
     * The roles of the processes around this pool, by pid as seen here: from every ring in the
     * directory bound to it (the same pool, not an earlier one of that name) and those rings' bridges.
     */
    private void collectRoles() {
        for (String ringName : ringsIn(dir)) {
            RingSnapshot r;
            try {
                r = ringName.equals(name) && ring != null ? ring : RingInspection.inspect(ringName, dir);
            } catch (XmemException e) {
                continue; // damaged or half-created: no roles from it
            }
            if (!name.equals(r.poolName()) || r.poolId() != pool.poolId()) {
                continue;
            }
            Path lock = Ring.files(ringName, dir).getLast();
            for (RingStats.PublisherStats p : r.stats().publishers()) {
                long pid = p.alive() ? locks.holder(lock, PUBLISHING_BYTE + p.id()).orElse(p.pid()) : p.pid();
                role(pid, "publisher of '" + ringName + "'");
            }
            for (RingStats.SubscriberStats s : r.stats().subscribers()) {
                long pid = s.alive() ? locks.holder(lock, s.index()).orElse(s.pid()) : s.pid();
                role(pid, "subscriber of '" + ringName + "'");
            }
            for (Path file : BridgeStats.files(ringName, dir)) {
                try {
                    BridgeStats b = Files.exists(file) ? BridgeStats.read(file) : null;
                    if (b != null && b.alive()) {
                        role(locks.holder(file, 0).orElse(b.pid()), b.role() + " of '" + ringName + "'");
                    }
                } catch (XmemException e) {
                    // a damaged counters file names nobody
                }
            }
        }
    }

    private void role(long pid, String role) {
        List<String> list = roles.computeIfAbsent(pid, k -> new ArrayList<>());
        if (!list.contains(role)) {
            list.add(role);
        }
    }

    private static List<String> ringsIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> ShmKind.of(f) == ShmKind.RING)
                .map(ShmKind.RING::nameOf).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    // ------------------------------------------------------------------------------ the parts

    private List<Bridge> bridges(ShmName.Found found) {
        Map<Path, Bridge> list = new LinkedHashMap<>();
        for (ShmKind kind : List.of(ShmKind.BRIDGE_OUT, ShmKind.BRIDGE_IN)) {
            Path file = kind.file(name, dir);
            if (!found.has(kind)) {
                continue;
            }
            try {
                list.put(file, new Bridge(file, BridgeStats.read(file), null));
            } catch (XmemException e) {
                list.put(file, new Bridge(file, null, e.getMessage())); // one line, never a failure of stat
            }
        }
        return List.copyOf(list.values());
    }

    /**
     * Why the ring's buffer references cannot be followed, or "": its pool is gone, or was deleted
     * and created again (another id), so the tokens in its records name other buffers.
     */
    private String poolProblem(RingSnapshot r, PoolSnapshot sameName) {
        if (!r.hasPool()) {
            return "";
        }
        long id;
        if (sameName != null && sameName.name().equals(r.poolName())) {
            id = sameName.poolId();
        } else {
            try {
                id = PoolInspection.inspect(r.poolName(), dir).poolId();
            } catch (PoolNotFoundException e) {
                return "missing: the ring cannot be opened; recreate the pool and the ring";
            }
        }
        return id == r.poolId() ? ""
            : "deleted and created again since the ring was made: the ring cannot be opened; recreate it";
    }
}
