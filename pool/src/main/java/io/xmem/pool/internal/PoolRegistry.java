package io.xmem.pool.internal;

import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolNotFoundException;
import io.xmem.pool.XmemException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * The pools this JVM has open, by file identity, so that every {@code BufferPool} object of
 * one pool file shares one {@link SharedPool} and one participant entry.
 */
public final class PoolRegistry {
    private static final Map<Object, SharedPool> OPEN = new HashMap<>();

    private PoolRegistry() {
    }

    public static synchronized SharedPool create(String name, PoolConfig config) {
        PoolFiles.Mapped mapped = PoolFiles.create(name, config);
        Path path = PoolFiles.poolPath(config.directory(), name);
        return register(name, path, PoolFiles.lockPath(config.directory(), name), mapped);
    }

    public static synchronized SharedPool open(String name, Path dir) {
        Path path = PoolFiles.poolPath(dir, name);
        SharedPool existing = OPEN.get(fileKey(name, path));
        if (existing != null) {
            existing.openCount++;
            return existing;
        }
        PoolFiles.Mapped mapped = PoolFiles.open(name, dir);
        return register(name, path, PoolFiles.lockPath(dir, name), mapped);
    }

    private static SharedPool register(String name, Path path, Path lockPath, PoolFiles.Mapped mapped) {
        SharedPool pool;
        try {
            Object key = fileKey(name, path);
            FileChannel lock = PoolFiles.openLockFile(path, lockPath);
            try {
                pool = new SharedPool(name, path, key, mapped, lock);
            } catch (RuntimeException | Error e) {
                FileIo.closeQuietly(lock);
                throw e;
            }
        } catch (RuntimeException | Error e) {
            mapped.close();
            throw e;
        }
        pool.openCount = 1;
        OPEN.put(pool.fileKey, pool);
        return pool;
    }

    /**
     * Runs {@code action} with this JVM's open instance of the pool file at {@code path}, or
     * {@code null} when this JVM has none, while no pool opens or closes in this JVM. A look at
     * the pool from outside uses it to probe liveness: it must not open and close a channel of
     * the lock file while this JVM holds a participant lock there (closing any channel of a file
     * drops every lock the process holds on it).
     */
    public static synchronized <T> T withOpen(String name, Path path, java.util.function.Function<SharedPool, T> action) {
        return action.apply(OPEN.get(fileKey(name, path)));
    }

    public static synchronized void close(SharedPool pool) {
        if (--pool.openCount == 0) {
            OPEN.remove(pool.fileKey, pool);
            pool.leave();
        }
    }

    private static Object fileKey(String name, Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            throw new PoolNotFoundException("pool '" + name + "' does not exist (no " + path + "): create it first "
                + "with BufferPool.create, or check the name and directory", e);
        } catch (IOException e) {
            throw new XmemException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

}
