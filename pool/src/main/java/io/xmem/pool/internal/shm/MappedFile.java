package io.xmem.pool.internal.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A file of one of xmem's formats, mapped in this process and validated: the channel is kept
 * open, so that a process leaving a pool can map the same file (not whatever the path names by
 * then) once more to clean up.
 *
 * @param <L> the format's layout, read and validated from the file (immutable from then on)
 */
public record MappedFile<L>(Path path, FileChannel channel, Arena arena, MemorySegment segment, L layout) {
    /** Unmaps and closes the channel. */
    public void close() {
        try {
            arena.close();
        } finally {
            FileIo.closeQuietly(channel);
        }
    }
}
