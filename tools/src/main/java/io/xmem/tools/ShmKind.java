package io.xmem.tools;

import io.xmem.bridge.BridgeStats;
import io.xmem.pool.BufferPool;
import io.xmem.ring.Ring;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The kinds of file xmem keeps in a directory, each named by its module's one rule
 * ({@link BufferPool#files}, {@link Ring#files}, {@link BridgeStats#files}): what {@code xmem ls} lists,
 * {@code stat} shows and {@code rm} deletes. The first file of a kind is the one that names it
 * ({@code NAME.pool}); the rest go with it ({@code NAME.pool.lock}).
 *
 * <pre>{@code
 * ShmKind.POOL.files("frames", dir);      // [dir/frames.pool, dir/frames.pool.lock]
 * ShmKind.of("md.bridge-out");            // BRIDGE_OUT
 * }</pre>
 */
enum ShmKind {
    // In the order rm deletes them: a ring before the pool its records refer to.
    RING("ring", Ring::files),
    POOL("pool", BufferPool::files),
    BRIDGE_OUT("bridge-out", (name, dir) -> List.of(BridgeStats.files(name, dir).getFirst())),
    BRIDGE_IN("bridge-in", (name, dir) -> List.of(BridgeStats.files(name, dir).getLast()));

    /** A name every rule accepts, to learn each kind's suffix from its rule rather than repeat it. */
    private static final String PROBE = "x";

    private final String label;
    private final BiFunction<String, Path, List<Path>> rule;
    private final String suffix;

    ShmKind(String label, BiFunction<String, Path, List<Path>> rule) {
        this.label = label;
        this.rule = rule;
        this.suffix = rule.apply(PROBE, Path.of("")).getFirst().getFileName().toString().substring(PROBE.length());
    }

    /** How the tool's output calls it: {@code pool}, {@code ring}, {@code bridge-out}, {@code bridge-in}. */
    String label() {
        return label;
    }

    /** The files of {@code name} of this kind in {@code dir}, the one that names it first; they need not exist. */
    List<Path> files(String name, Path dir) {
        return rule.apply(name, dir);
    }

    /** The file that names {@code name} of this kind in {@code dir}. */
    Path file(String name, Path dir) {
        return files(name, dir).getFirst();
    }

    boolean isBridge() {
        return this == BRIDGE_OUT || this == BRIDGE_IN;
    }

    /** The kind whose naming file {@code fileName} is, or null (a lock file, or not xmem's). */
    static ShmKind of(String fileName) {
        for (ShmKind kind : values()) {
            if (fileName.endsWith(kind.suffix) && fileName.length() > kind.suffix.length()) {
                return kind;
            }
        }
        return null;
    }

    /** The name {@code fileName} gives its pool, ring or bridge ({@code md} for {@code md.bridge-out}). */
    String nameOf(String fileName) {
        return fileName.substring(0, fileName.length() - suffix.length());
    }
}
