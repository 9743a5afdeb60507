package io.xmem.examples;

import io.xmem.pool.PoolConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where an example's pool and rings go: {@code --name} and {@code --dir}, shared by every example. */
final class SharedFiles {
    @Option(names = "--name", paramLabel = "NAME",
        description = "Base name of the example's pool and ring files (default xmem-EXAMPLE-PID).")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory of the pool and ring files (default ${DEFAULT-VALUE}).")
    Path dir = PoolConfig.DEFAULT_DIRECTORY;

    /** The base name: the user's, or {@code xmem-EXAMPLE-PID}, unique on this machine. */
    String name(String example) {
        return name != null ? name : "xmem-" + example + "-" + ProcessHandle.current().pid();
    }
}
