package io.xmem.pool.internal.shm;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.XmemException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The shared files this JVM has open, by file identity (device and inode), with a count of
 * users: every {@code BufferPool} object of one pool file shares one open instance and so one
 * participant entry and one lock channel; the same for rings. Opening, closing and borrowing
 * an instance's lock channel are serialised on this class.
 */
public final class OpenFiles {
    private static final Map<Object, Entry> OPEN = new HashMap<>();

    private OpenFiles() {
    }

    /** One file open in this JVM, shared by all its users; closed with the last of them. */
    public abstract static class Entry {
        private Object key;
        private int users;

        /** The lock channel of the file, the only one this JVM opens on it. */
        public abstract ByteLocks locks();

        /** Called once, when the last user has closed. */
        protected abstract void closeLast();
    }

    /**
     * This JVM's instance of the file at {@code path} with one more user, or a new one made by
     * {@code opener}; the format's "not found" exception if there is no file.
     */
    public static synchronized <T extends Entry> T open(FileFormat format, Path dir, String name, Class<T> type,
                                                        Supplier<T> opener) {
        Path path = format.path(dir, name);
        Object key = fileKey(format, name, path);
        Entry existing = OPEN.get(key);
        if (existing != null) {
            if (!type.isInstance(existing)) {
                throw new IncompatibleLayoutException(path + " is open in this JVM as another kind of file");
            }
            existing.users++;
            return type.cast(existing);
        }
        return register(format, name, path, opener.get());
    }

    /** Registers the instance of a file this JVM has just created, with one user. */
    public static synchronized <T extends Entry> T created(FileFormat format, Path dir, String name, Supplier<T> maker) {
        return register(format, name, format.path(dir, name), maker.get());
    }

    private static <T extends Entry> T register(FileFormat format, String name, Path path, T made) {
        Entry entry = made;
        try {
            entry.key = fileKey(format, name, path);
        } catch (RuntimeException e) {
            entry.closeLast(); // deleted as soon as made: nobody else can have it
            throw e;
        }
        entry.users = 1;
        OPEN.put(entry.key, entry);
        return made;
    }

    /** Drops one user; the last one closes the instance. */
    public static synchronized void close(Entry entry) {
        if (entry.users == 0) {
            return;
        }
        if (--entry.users == 0) {
            OPEN.remove(entry.key, entry);
            entry.closeLast();
        }
    }

    /**
     * Runs {@code action} with the lock channel through which this JVM may probe the file's lock
     * bytes, and this JVM's open instance of the file (null if none): the instance's channel if
     * the file is open here (a channel of our own, once closed, would drop every lock this JVM
     * holds there), else a read-only one of its own, closed after. Nothing opens or closes in
     * this JVM meanwhile.
     */
    public static synchronized <R> R withLocks(FileFormat format, Path dir, String name,
                                               BiFunction<ByteLocks, Entry, R> action) {
        Path path = format.path(dir, name);
        Entry open = OPEN.get(fileKey(format, name, path));
        if (open != null) {
            return action.apply(open.locks(), open);
        }
        try (ByteLocks own = ByteLocks.openForProbing(format.lockPath(dir, name))) {
            return action.apply(own, null);
        }
    }

    private static Object fileKey(FileFormat format, String name, Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            throw format.notFound(name, path, e);
        } catch (IOException e) {
            throw new XmemException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
