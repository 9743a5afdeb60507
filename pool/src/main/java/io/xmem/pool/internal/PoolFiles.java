package io.xmem.pool.internal;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.InvalidNameException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolExistsException;
import io.xmem.pool.PoolNotFoundException;
import io.xmem.pool.XmemException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Naming, creating, opening and deleting the files of a pool. */
public final class PoolFiles {
    public static final String POOL_SUFFIX = ".pool";
    public static final String LOCK_SUFFIX = ".pool.lock";
    /** How long {@code open} waits for a pool that is still being created. */
    public static final long READY_TIMEOUT_MILLIS = 5_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private PoolFiles() {
    }

    /** Checks that {@code name} is a plain file name: letters, digits, '.', '_', '-'; no "..". */
    public static String validateName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new InvalidNameException("invalid name '" + name + "': use 1-200 letters, digits, '.', '_' or '-', "
                + "starting with a letter or digit, without '..' or path separators");
        }
        return name;
    }

    public static Path poolPath(Path directory, String name) {
        return directory.resolve(validateName(name) + POOL_SUFFIX);
    }

    public static Path lockPath(Path directory, String name) {
        return directory.resolve(validateName(name) + LOCK_SUFFIX);
    }

    /**
     * A mapped pool file, validated, with its channel kept open: leaving the pool maps the same
     * file (not whatever the path names by then) once more to clean up.
     */
    public record Mapped(FileChannel channel, Arena arena, MemorySegment file, PoolLayout layout) {
        /** Unmaps and closes the channel. */
        public void close() {
            try {
                arena.close();
            } finally {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing to lose: the mapping is gone already
                }
            }
        }
    }

    /** Creates the files of a new pool and maps it; the caller claims a participant next. */
    public static Mapped create(String name, PoolConfig config) {
        Path dir = config.directory();
        Path path = poolPath(dir, name);
        Path lock = lockPath(dir, name);
        PoolLayout layout = PoolLayout.of(config);
        Set<PosixFilePermission> perms = config.permissions();
        if (!Files.isDirectory(dir)) {
            throw new InvalidConfigException("directory " + dir + " does not exist: create it or choose another with "
                + "PoolConfig.directory(...)");
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(perms));
        } catch (FileAlreadyExistsException e) {
            throw new PoolExistsException("pool '" + name + "' already exists at " + path + ": open it with "
                + "BufferPool.open, or delete it first (BufferPool.delete or `xmem rm " + name + "`)", e);
        } catch (IOException e) {
            throw new XmemException("cannot create " + path + ": " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        FileChannel channel = null;
        boolean done = false;
        try {
            long usable = Files.getFileStore(path).getUsableSpace();
            if (usable < layout.fileLength) {
                throw new InvalidConfigException("pool '" + name + "' needs " + layout.fileLength + " bytes but only "
                    + usable + " are free in " + dir + ": shrink the size classes or free space there");
            }
            Files.setPosixFilePermissions(path, perms); // the umask may have narrowed them
            createLockFile(lock, perms);
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            MemorySegment file = channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileLength, arena);
            long poolId = ThreadLocalRandom.current().nextLong();
            layout.writeTo(file, poolId, ProcessHandle.current().pid(), System.currentTimeMillis());
            if (layout.hasDeviceClasses()) {
                // Before READY: an opener never sees a device class without its handles.
                DeviceSlots.allocate(name, file, layout, config.deviceOrdinal(), poolId);
            }
            // Last: READY, with release so an opener that sees it sees everything above.
            INT.setRelease(file, (long) PoolHeaderDescriptor.STATE_OFFSET, PoolHeaderDescriptor.STATE_READY);
            done = true;
            return new Mapped(channel, arena, file, layout);
        } catch (IOException e) {
            throw new XmemException("cannot create pool '" + name + "' at " + path + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                arena.close();
                FileIo.closeQuietly(channel);
                FileIo.delete(path);
                FileIo.delete(lock);
            }
        }
    }

    /**
     * Maps an existing pool, waiting up to {@link #READY_TIMEOUT_MILLIS} for its creator to
     * finish, and validates its header and tables.
     */
    public static Mapped open(String name, Path dir) {
        return open(name, dir, false);
    }

    /**
     * Like {@link #open(String, Path)} but mapped read-only, for looking at a pool without
     * joining it: nothing this process does through the mapping can change the file.
     */
    public static Mapped openReadOnly(String name, Path dir) {
        return open(name, dir, true);
    }

    private static Mapped open(String name, Path dir, boolean readOnly) {
        Path path = poolPath(dir, name);
        long deadline = System.nanoTime() + READY_TIMEOUT_MILLIS * 1_000_000L;
        String what = "pool file " + path;
        while (true) {
            HeaderProbe probe = probe(path, name);
            if (probe == HeaderProbe.READY) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IncompatibleLayoutException(what + " is still not READY after " + READY_TIMEOUT_MILLIS
                    + " ms (" + probe.reason + "): its creator died while creating it, or it was truncated; delete it "
                    + "(BufferPool.delete or `xmem rm " + name + "`) and create it again");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new XmemException("interrupted while waiting for pool '" + name + "' to be ready", e);
            }
        }
        Arena arena = Arena.ofShared();
        FileChannel ch = null;
        boolean done = false;
        try {
            ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = ch.size();
            if (size < PoolHeaderDescriptor.LENGTH) {
                throw new IncompatibleLayoutException(what + " is only " + size + " bytes: truncated; delete and recreate it");
            }
            MemorySegment file = ch.map(readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, 0, size,
                arena);
            if ((int) INT.getAcquire(file, (long) PoolHeaderDescriptor.STATE_OFFSET) != PoolHeaderDescriptor.STATE_READY
                || file.get(ValueLayout.JAVA_LONG, PoolHeaderDescriptor.MAGIC_OFFSET) != PoolHeaderDescriptor.MAGIC) {
                throw new IncompatibleLayoutException(what + " changed while being opened: it was replaced or damaged");
            }
            PoolLayout layout = PoolLayout.read(file, size, what);
            done = true;
            return new Mapped(ch, arena, file, layout);
        } catch (NoSuchFileException e) {
            throw notFound(name, path, e);
        } catch (IOException e) {
            throw new XmemException("cannot open pool '" + name + "' at " + path + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                arena.close();
                FileIo.closeQuietly(ch);
            }
        }
    }

    private enum HeaderProbe {
        READY(""), SHORT("file shorter than its header"), INITIALISING("header not yet written");

        final String reason;

        HeaderProbe(String reason) {
            this.reason = reason;
        }
    }

    /** Reads the first bytes with a plain read: no mapping of a file that may be foreign. */
    private static HeaderProbe probe(Path path, String name) {
        ByteBuffer header = FileIo.readHead(path, PoolHeaderDescriptor.LENGTH, e -> notFound(name, path, e));
        if (header.position() >= 8) {
            long magic = header.getLong(PoolHeaderDescriptor.MAGIC_OFFSET);
            if (magic != 0 && magic != PoolHeaderDescriptor.MAGIC) {
                throw new IncompatibleLayoutException(path + " is not an xmem pool (magic 0x" + Long.toHexString(magic)
                    + "): choose another name, or delete the file if it is garbage");
            }
        }
        if (header.position() < PoolHeaderDescriptor.LENGTH) {
            return HeaderProbe.SHORT;
        }
        if (header.getLong(PoolHeaderDescriptor.MAGIC_OFFSET) == 0) {
            return HeaderProbe.INITIALISING;
        }
        int state = header.getInt(PoolHeaderDescriptor.STATE_OFFSET);
        if (state == PoolHeaderDescriptor.STATE_INITIALISING) {
            return HeaderProbe.INITIALISING; // the creator is still writing: judge nothing else yet
        }
        int version = header.getInt(PoolHeaderDescriptor.VERSION_OFFSET);
        if (version != PoolHeaderDescriptor.LAYOUT_VERSION) {
            throw new IncompatibleLayoutException(path + " has layout version " + version + "; this xmem reads version "
                + PoolHeaderDescriptor.LAYOUT_VERSION + ": open it with the xmem that created it, or delete and recreate it");
        }
        if (state != PoolHeaderDescriptor.STATE_READY) {
            throw new IncompatibleLayoutException(path + " has an unknown state " + state + ": damaged; delete and recreate it");
        }
        return HeaderProbe.READY;
    }

    private static PoolNotFoundException notFound(String name, Path path, Exception cause) {
        return new PoolNotFoundException("pool '" + name + "' does not exist (no " + path + "): create it first with "
            + "BufferPool.create, or check the name and directory", cause);
    }

    /** Opens the lock file, creating it with the pool file's permissions if it is missing. */
    public static FileChannel openLockFile(Path poolPath, Path lockPath) {
        try {
            if (!Files.exists(lockPath)) {
                createLockFile(lockPath, Files.getPosixFilePermissions(poolPath));
            }
            return FileChannel.open(lockPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new XmemException("cannot open lock file " + lockPath + ": " + e.getMessage(), e);
        }
    }

    private static void createLockFile(Path lock, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.createFile(lock, PosixFilePermissions.asFileAttribute(perms));
            Files.setPosixFilePermissions(lock, perms);
        } catch (FileAlreadyExistsException e) {
            // Left by an earlier pool of the same name, or made by a racing opener: locks live in
            // the open file descriptions, not in the file, so it is as good as new.
        }
    }

    /** Unlinks a pool's files; processes that have it mapped keep using it until they close. */
    public static boolean delete(String name, Path dir) {
        Path path = poolPath(dir, name);
        boolean existed = FileIo.delete(path);
        FileIo.delete(lockPath(dir, name));
        return existed;
    }

}
