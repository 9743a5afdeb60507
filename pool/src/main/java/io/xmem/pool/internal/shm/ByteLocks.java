package io.xmem.pool.internal.shm;

import io.xmem.pool.XmemException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The byte locks of one lock file, which say who is alive: byte {@code i} belongs to whoever
 * holds a lock on it, and the kernel drops that lock when its process dies, however it dies. So
 * a lock taken on someone else's byte proves its owner gone.
 *
 * <p><b>One channel per file per JVM.</b> Java file locks are held per process, and closing
 * any channel of a file may drop every lock the process holds on it. So each JVM reaches a lock
 * file through exactly one {@code ByteLocks}, owned by the one open instance of the file in the
 * JVM ({@link OpenFiles}); a look from outside borrows it through {@link OpenFiles#withLocks}
 * and opens a channel of its own only when the file is not open in this JVM. A byte this JVM
 * holds reads as held, like a byte held by another live process. Methods are serialised on
 * this object, so probes from several threads of the JVM never overlap each other.
 */
public final class ByteLocks implements AutoCloseable {
    private final Path path;
    /** Null when there is no lock file to probe: then nobody can hold a byte of it. */
    private final FileChannel channel;

    private ByteLocks(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens a lock file for locking, creating it with {@code perms} if it is missing. */
    public static ByteLocks open(Path path, Set<PosixFilePermission> perms) {
        try {
            if (!Files.exists(path)) {
                SharedFile.createLockFile(path, perms);
            }
            return new ByteLocks(path, FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new XmemException("cannot open lock file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The byte locks of a file whose channel the caller has opened already (a file that is its
     * own lock file); closing the result closes that channel.
     */
    public static ByteLocks over(Path path, FileChannel channel) {
        return new ByteLocks(path, channel);
    }

    /**
     * Opens a lock file read-only, for shared probes only ({@link #isHeld}); a missing file
     * means that no byte is held.
     */
    static ByteLocks openForProbing(Path path) {
        try {
            return new ByteLocks(path, FileChannel.open(path, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            return new ByteLocks(path, null);
        } catch (IOException e) {
            throw new XmemException("cannot open " + path + " to test who is alive: " + e.getMessage(), e);
        }
    }

    /**
     * Takes byte {@code index} exclusively, or returns null while another live process (or this
     * JVM) holds it. The caller releases it with {@link #unlock}.
     */
    public synchronized FileLock tryLock(long index) {
        return lock(index, false);
    }

    /** Takes byte {@code index} shared (with others who share it), or null while it is held exclusively. */
    public synchronized FileLock tryLockShared(long index) {
        return lock(index, true);
    }

    /** Whether byte {@code index} is held by a live process (or this JVM): a shared probe, dropped at once. */
    public synchronized boolean isHeld(long index) {
        if (channel == null) {
            return false;
        }
        FileLock probe = lock(index, true);
        if (probe == null) {
            return true;
        }
        unlock(probe);
        return false;
    }

    private FileLock lock(long index, boolean shared) {
        try {
            return channel.tryLock(index, 1, shared);
        } catch (OverlappingFileLockException e) {
            return null; // this JVM holds it
        } catch (IOException e) {
            throw new XmemException("cannot lock byte " + index + " of " + path + ": " + e.getMessage(), e);
        }
    }

    public static void unlock(FileLock lock) {
        try {
            lock.release();
        } catch (IOException e) {
            throw new XmemException("cannot release a lock of " + lock.channel() + ": " + e.getMessage(), e);
        }
    }

    /** Closes the channel: every lock this process holds on the file goes with it. */
    @Override
    public void close() {
        FileIo.closeQuietly(channel);
    }
}
