package io.xmem.pool.internal;

import io.xmem.pool.XmemException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** File chores shared by pools and rings. */
public final class FileIo {
    private FileIo() {
    }

    /** Closes a channel that may be null, on a path where a failure to close changes nothing. */
    public static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing or leaving: nothing held that matters
            }
        }
    }

    /** Unlinks {@code path} if it exists; true if it did. */
    public static boolean delete(Path path) {
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new XmemException("cannot delete " + path + ": " + e.getMessage(), e);
        }
    }
}
