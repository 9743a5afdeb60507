package io.xmem.pool.internal.shm;

import io.xmem.pool.XmemException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;

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

    /**
     * Reads up to {@code length} bytes from the start of a file with a plain read (no mapping of
     * a file that may be foreign or still growing); the buffer's position is how many were read.
     * A missing file becomes {@code notFound}'s exception.
     */
    public static ByteBuffer readHead(Path path, int length, Function<NoSuchFileException, RuntimeException> notFound) {
        ByteBuffer head = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (head.hasRemaining() && ch.read(head) > 0) {
                // until full or end of file
            }
        } catch (NoSuchFileException e) {
            throw notFound.apply(e);
        } catch (IOException e) {
            throw new XmemException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return head;
    }
}
