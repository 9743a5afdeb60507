package io.xmem.pool.internal.shm;

import java.nio.file.Path;

/**
 * What {@link SharedFile} needs to know of one file format: its names, its magic and version,
 * the length of its header, and the exceptions its users expect. Pools and rings each have one.
 */
public interface FileFormat {
    /** What the file is called in messages: "pool", "ring". */
    String noun();

    /** The file's suffix after the name, e.g. {@code ".pool"}. */
    String suffix();

    /** The lock file's suffix after the name, e.g. {@code ".pool.lock"}. */
    String lockSuffix();

    long magic();

    int version();

    /** Bytes of header (at least the 32-byte prefix); a shorter file is truncated. */
    int headerLength();

    /** Raised by a create that finds the file already there. */
    RuntimeException exists(String name, Path path, Exception cause);

    /** Raised by an open that finds no file. */
    RuntimeException notFound(String name, Path path, Exception cause);

    /** How a user deletes the file, for messages: e.g. "BufferPool.delete or `xmem rm NAME`". */
    String deleteHint(String name);

    default Path path(Path directory, String name) {
        return directory.resolve(SharedFile.checkName(name) + suffix());
    }

    default Path lockPath(Path directory, String name) {
        return directory.resolve(SharedFile.checkName(name) + lockSuffix());
    }
}
