package io.xmem.tools;

import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolNotFoundException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * A name on the command line and the directory its files are in: a name may stand for a pool, a
 * ring and the ring's bridges at once ({@code md}), or be the file name {@code xmem ls} shows for one
 * of them ({@code md.bridge-out}).
 */
final class ShmName {
    @Parameters(index = "0", paramLabel = "NAME",
        description = "The name of a pool, a ring, or both (NAME.pool, NAME.ring, with the ring's bridges "
            + "NAME.bridge-out and NAME.bridge-in); or one file's name as 'xmem ls' shows it (NAME.bridge-in).")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory of the files (default: ${DEFAULT-VALUE}).")
    Path dir = PoolConfig.DEFAULT_DIRECTORY;

    /** What a name stands for: the name of its files, and the kinds of which a file exists. */
    record Found(String name, Set<ShmKind> kinds) {
        boolean has(ShmKind kind) {
            return kinds.contains(kind);
        }
    }

    /**
     * The kinds of file NAME has in DIR; when it has none and NAME is itself an xmem file's name
     * ({@code md.bridge-out}), that one file. Empty when neither: see {@link #notFound}.
     */
    Found find() {
        Set<ShmKind> kinds = EnumSet.noneOf(ShmKind.class);
        for (ShmKind kind : ShmKind.values()) {
            if (Files.exists(kind.file(name, dir))) { // checks the name first: a bad one is a usage error
                kinds.add(kind);
            }
        }
        ShmKind file = ShmKind.of(name);
        if (kinds.isEmpty() && file != null && Files.exists(file.file(file.nameOf(name), dir))) {
            return new Found(file.nameOf(name), EnumSet.of(file));
        }
        return new Found(name, kinds);
    }

    /** Nothing of this name: exit 1 with what to check. */
    PoolNotFoundException notFound(Exception cause) {
        return new PoolNotFoundException("no pool, ring or bridge '" + name + "' in " + dir
            + ": check the name ('xmem ls " + dir + "' lists them) or pass --dir", cause);
    }
}
