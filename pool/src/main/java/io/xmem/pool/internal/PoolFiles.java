package io.xmem.pool.internal;

import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolExistsException;
import io.xmem.pool.PoolNotFoundException;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.shm.FileFormat;
import io.xmem.pool.internal.shm.MappedFile;
import io.xmem.pool.internal.shm.SharedFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** The pool's file format as the shared-file layer sees it: names, magic, version and errors. */
public final class PoolFiles {
    public static final FileFormat FORMAT = new Format();

    private PoolFiles() {
    }

    private static final class Format implements FileFormat {
        @Override
        public String noun() {
            return "pool";
        }

        @Override
        public String suffix() {
            return ".pool";
        }

        @Override
        public String lockSuffix() {
            return ".pool.lock";
        }

        @Override
        public long magic() {
            return PoolHeaderDescriptor.MAGIC;
        }

        @Override
        public int version() {
            return PoolHeaderDescriptor.LAYOUT_VERSION;
        }

        @Override
        public int headerLength() {
            return PoolHeaderDescriptor.LENGTH;
        }

        @Override
        public RuntimeException exists(String name, Path path, Exception cause) {
            return new PoolExistsException("pool '" + name + "' already exists at " + path + ": open it with "
                + "BufferPool.open, or delete it first (BufferPool.delete or `xmem rm " + name + "`)", cause);
        }

        @Override
        public RuntimeException notFound(String name, Path path, Exception cause) {
            return new PoolNotFoundException("pool '" + name + "' does not exist (no " + path + "): create it first "
                + "with BufferPool.create, or check the name and directory", cause);
        }

        @Override
        public String deleteHint(String name) {
            return "BufferPool.delete or `xmem rm " + name + "`";
        }
    }

    public static Path poolPath(Path directory, String name) {
        return FORMAT.path(directory, name);
    }

    public static Path lockPath(Path directory, String name) {
        return FORMAT.lockPath(directory, name);
    }

    /** Maps a pool without joining it: nothing done through the mapping can change the file. */
    public static MappedFile<PoolLayout> openReadOnly(String name, Path directory) {
        return SharedFile.open(FORMAT, directory, name, true, PoolLayout::read);
    }

    public static boolean delete(String name, Path directory) {
        return SharedFile.delete(FORMAT, directory, name);
    }

    /** The permissions of an existing pool file, which a lock file made after it gets too. */
    static Set<PosixFilePermission> permissions(Path poolFile) {
        try {
            return Files.getPosixFilePermissions(poolFile);
        } catch (IOException e) {
            throw new XmemException("cannot read the permissions of " + poolFile + ": " + e.getMessage(), e);
        }
    }

    /** The header's flags for {@code config}. */
    static int flags(PoolConfig config) {
        return (config.zeroOnAcquire() ? PoolHeaderDescriptor.FLAG_ZERO_ON_ACQUIRE : 0)
            | (config.prefault() ? PoolHeaderDescriptor.FLAG_PREFAULT : 0);
    }
}
