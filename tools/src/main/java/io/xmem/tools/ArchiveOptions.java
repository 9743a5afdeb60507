package io.xmem.tools;

import io.xmem.archive.ArchiveConfig;
import io.xmem.pool.InvalidConfigException;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the recordings are, for {@code xmem record}, {@code recordings} and {@code replay}. */
final class ArchiveOptions {
    @Option(names = {"-a", "--archive"}, paramLabel = "DIR",
        description = "The archive directory; an Aeron Archive embedded in this process serves it (or the one another "
            + "xmem process already runs there).")
    Path archive;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Use the Aeron Archive of the archiving media driver running there instead (with --control-*).")
    String aeronDir;

    @Option(names = "--control-channel", paramLabel = "URI", defaultValue = "aeron:ipc",
        description = "With --aeron-dir: the archive's control request channel (default: ${DEFAULT-VALUE}).")
    String controlChannel;

    @Option(names = "--control-stream", paramLabel = "ID", defaultValue = "10",
        description = "With --aeron-dir: the archive's control stream (default: ${DEFAULT-VALUE}).")
    int controlStream;

    ArchiveConfig config() {
        if ((archive == null) == (aeronDir == null)) {
            throw new InvalidConfigException("say where the recordings are: --archive DIR (embedded archive) or "
                + "--aeron-dir DIR (an Aeron Archive running beside that media driver)");
        }
        ArchiveConfig.Builder b = ArchiveConfig.builder();
        return (archive != null ? b.directory(archive) : b.aeronDirectory(aeronDir)
            .controlChannel(controlChannel, controlStream)).build();
    }
}
