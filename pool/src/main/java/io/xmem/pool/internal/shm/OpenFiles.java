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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The shared files this JVM has open, by file identity (device and inode), with a count of
 * users: every {@code BufferPool} object of one pool file shares one open instance and so one
 * participant entry and one lock channel; the same for rings and a bridge's counters file.
 * Opening, closing and borrowing an instance's lock channel are serialised on this class.
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
     * This JVM's instance of the file of {@code format} named {@code name} with one more user, or a
     * new one made by {@code opener}; the format's "not found" exception if there is no file.
     */
    public static <T extends Entry> T open(FileFormat format, Path dir, String name, Class<T> type,
                                           Supplier<T> opener) {
        return open(format.path(dir, name), type, opener, e -> format.notFound(name, format.path(dir, name), e));
    }

    /** Like {@link #open(FileFormat, Path, String, Class, Supplier)} for a file named by its path. */
    public static synchronized <T extends Entry> T open(Path path, Class<T> type, Supplier<T> opener,
                                                        Function<Exception, RuntimeException> notFound) {
        Entry existing = OPEN.get(fileKey(path, notFound));
        if (existing != null) {
            if (!type.isInstance(existing)) {
                throw new IncompatibleLayoutException(path + " is open in this JVM as another kind of file");
            }
            existing.users++;
            return type.cast(existing);
        }
        return register(path, opener.get(), notFound);
    }

    /** Registers the instance of a file this JVM has just created, with one user. */
    public static <T extends Entry> T created(FileFormat format, Path dir, String name, Supplier<T> maker) {
        Path path = format.path(dir, name);
        return created(path, maker, e -> format.notFound(name, path, e));
    }

    /** Like {@link #created(FileFormat, Path, String, Supplier)} for a file named by its path. */
    public static synchronized <T extends Entry> T created(Path path, Supplier<T> maker,
                                                           Function<Exception, RuntimeException> notFound) {
        return register(path, maker.get(), notFound);
    }

    private static <T extends Entry> T register(Path path, T made, Function<Exception, RuntimeException> notFound) {
        Entry entry = made;
        try {
            entry.key = fileKey(path, notFound);
        } catch (RuntimeException e) {
            entry.closeLast(); // deleted as soon as made: nobody else can have it
            throw e;
        }
        entry.users = 1;
        OPEN.put(entry.key, entry);
        return made;
    }

    /** Whether the file at {@code path} is open in this JVM (false if there is no such file). */
    public static synchronized boolean isOpen(Path path) {
        try {
            return OPEN.containsKey(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (IOException e) {
            return false;
        }
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
    public static <R> R withLocks(FileFormat format, Path dir, String name, BiFunction<ByteLocks, Entry, R> action) {
        Path path = format.path(dir, name);
        return withLocks(path, format.lockPath(dir, name), e -> format.notFound(name, path, e), action);
    }

    /** Like {@link #withLocks(FileFormat, Path, String, BiFunction)} for files named by their paths. */
    public static synchronized <R> R withLocks(Path path, Path lockPath, Function<Exception, RuntimeException> notFound,
                                               BiFunction<ByteLocks, Entry, R> action) {
        Entry open = OPEN.get(fileKey(path, notFound));
        if (open != null) {
            return action.apply(open.locks(), open);
        }
        try (ByteLocks own = ByteLocks.openForProbing(lockPath)) {
            return action.apply(own, null);
        }
    }

    private static Object fileKey(Path path, Function<Exception, RuntimeException> notFound) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            throw notFound.apply(e);
        } catch (IOException e) {
            throw new XmemException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
