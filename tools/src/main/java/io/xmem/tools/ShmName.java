package io.xmem.tools;

import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolNotFoundException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/** A name that may stand for a pool, a ring or both, and the directory their files are in. */
final class ShmName {
    @Parameters(index = "0", paramLabel = "NAME",
        description = "The pool's or ring's name (its file is NAME.pool or NAME.ring).")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory of the files (default: ${DEFAULT-VALUE}).")
    Path dir = PoolConfig.DEFAULT_DIRECTORY;

    boolean isRing() {
        return Files.exists(ShmKind.RING.file(name, dir));
    }

    boolean isPool() {
        return Files.exists(ShmKind.POOL.file(name, dir));
    }

    /** Neither a pool nor a ring of this name: exit 1 with what to check. */
    PoolNotFoundException notFound(Exception cause) {
        return new PoolNotFoundException("no pool or ring '" + name + "' in " + dir
            + ": check the name ('xmem ls " + dir + "' lists them) or pass --dir", cause);
    }
}
