package io.xmem.tools;

import io.xmem.pool.PoolConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** The pool a command works on: a name and the directory its files are in. */
final class PoolName {
    @Parameters(index = "0", paramLabel = "NAME", description = "The pool's name (its file is NAME.pool).")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory of the pool's files (default: ${DEFAULT-VALUE}).")
    Path dir = PoolConfig.DEFAULT_DIRECTORY;
}
