package io.xmem.tools;

import java.nio.file.Path;
import java.util.List;

/**
 * The files of a pool or a ring, as {@code pool/LAYOUT.md} and {@code ring/LAYOUT.md} name them
 * ({@code NAME.pool} and {@code NAME.pool.lock}, {@code NAME.ring} and {@code NAME.ring.lock}): what a
 * {@code Launcher} deletes, and what its children delete if the launcher is killed.
 *
 * <pre>{@code
 * launcher.deleteOnClose(ShmFiles.ring(dir, name));
 * }</pre>
 */
public final class ShmFiles {
    /** Each file's lock file lies beside it, under its name and this suffix. */
    private static final String LOCK_SUFFIX = ".lock";

    private ShmFiles() {
    }

    /** The two files of pool {@code name} in {@code dir}. */
    public static List<Path> pool(Path dir, String name) {
        return withLock(dir.resolve(name + ListCommand.POOL_SUFFIX));
    }

    /** The two files of ring {@code name} in {@code dir}. */
    public static List<Path> ring(Path dir, String name) {
        return withLock(dir.resolve(name + ListCommand.RING_SUFFIX));
    }

    private static List<Path> withLock(Path file) {
        return List.of(file, file.resolveSibling(file.getFileName() + LOCK_SUFFIX));
    }
}
