package io.xmem.pool.internal.shm;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.InvalidNameException;
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
import java.util.regex.Pattern;

import static io.xmem.pool.internal.shm.FilePrefixDescriptor.*;

/**
 * The life of one of xmem's shared files, written once for every format (Agrona's
 * {@code MarkFile} is the model). <b>Create</b>: make the file exclusively ({@code O_EXCL})
 * with the asked permissions, reserve its space ({@code fallocate}), map it, write the prefix
 * and the format's body, then the magic, then READY with a release store. <b>Open</b>: wait for
 * READY with plain reads (a foreign magic or another version is rejected at once), map, check
 * the prefix against the file's real size, and hand the mapping to the format's layout reader,
 * which validates the rest. The format of the prefix is {@link FilePrefixDescriptor}.
 */
public final class SharedFile {
    /** How long an open waits for a file that is still being created. */
    public static final long READY_TIMEOUT_MILLIS = 5_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private SharedFile() {
    }

    /** Writes a new file's own fields and tables: everything but the prefix. */
    @FunctionalInterface
    public interface Body {
        void write(MemorySegment file);
    }

    /** Reads and validates a READY file's layout from the mapping; throws if it is not valid. */
    @FunctionalInterface
    public interface LayoutReader<L> {
        L read(MemorySegment file, long size, String what);
    }

    /** Checks that {@code name} is a plain file name: letters, digits, '.', '_', '-'; no "..". */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new InvalidNameException("invalid name '" + name + "': use 1-200 letters, digits, '.', '_' or '-', "
                + "starting with a letter or digit, without '..' or path separators");
        }
        return name;
    }

    /**
     * Creates and maps a new file of {@code length} bytes (and its lock file, if missing), writes
     * the prefix, {@code body}, the magic and READY; the format's "exists" exception if the file
     * is there. The file's space is reserved before it is mapped: {@link InvalidConfigException}
     * saying how much is missing when the file system has not enough (on a file system that
     * cannot reserve, {@code EOPNOTSUPP}, only its free space is checked, which a file created
     * meanwhile elsewhere may still take). On any failure nothing is left behind.
     */
    public static <L> MappedFile<L> create(FileFormat format, Path dir, String name, Set<PosixFilePermission> perms,
                                           long length, int flags, L layout, Body body) {
        Path path = format.path(dir, name);
        Path lock = format.lockPath(dir, name);
        if (!Files.isDirectory(dir)) {
            throw new InvalidConfigException("directory " + dir + " does not exist: create it, or choose another one");
        }
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(perms));
        } catch (FileAlreadyExistsException e) {
            throw format.exists(name, path, e);
        } catch (IOException e) {
            throw new XmemException("cannot create " + path + ": " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        FileChannel channel = null;
        boolean madeLock = false;
        boolean done = false;
        try {
            reserveSpace(format, name, path, length);
            Files.setPosixFilePermissions(path, perms); // the umask may have narrowed them
            madeLock = createLockFile(lock, perms);
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            MemorySegment file = channel.map(FileChannel.MapMode.READ_WRITE, 0, length, arena);
            file.set(ValueLayout.JAVA_INT, VERSION_OFFSET, format.version());
            file.set(ValueLayout.JAVA_INT, HEADER_LENGTH_OFFSET, format.headerLength());
            file.set(ValueLayout.JAVA_INT, FLAGS_OFFSET, flags);
            file.set(ValueLayout.JAVA_LONG, FILE_LENGTH_OFFSET, length);
            body.write(file);
            file.set(ValueLayout.JAVA_LONG, MAGIC_OFFSET, format.magic()); // an opener seeing it sees a whole header
            INT.setRelease(file, (long) STATE_OFFSET, STATE_READY); // last: whoever sees READY sees everything above
            done = true;
            return new MappedFile<>(path, channel, arena, file, layout);
        } catch (IOException e) {
            throw new XmemException("cannot create " + format.noun() + " '" + name + "' at " + path + ": "
                + e.getMessage(), e);
        } finally {
            if (!done) {
                arena.close();
                FileIo.closeQuietly(channel);
                FileIo.delete(path);
                if (madeLock) {
                    FileIo.delete(lock);
                }
            }
        }
    }

    /**
     * Gives the new file every block now ({@link Fallocate}). A file mapped without them is a
     * promise the file system may not keep: on a full tmpfs the first write to a page it cannot
     * supply kills the writer with {@code SIGBUS} (in Java an {@code InternalError}), in
     * whichever process touches it first, long after create said yes, and a free-space check
     * cannot prevent that, since another file may take the room between the check and the
     * writes. Where the file system cannot reserve ({@code EOPNOTSUPP}, or no fallocate on this
     * platform) only the free space is checked, with exactly that weakness.
     */
    private static void reserveSpace(FileFormat format, String name, Path path, long length) throws IOException {
        Fallocate.Result result;
        try {
            result = Fallocate.reserve(path, length);
        } catch (IllegalStateException e) {
            throw new XmemException("cannot reserve " + length + " bytes for " + format.noun() + " '" + name
                + "' at " + path + ": " + e.getMessage(), e);
        }
        long usable = Files.getFileStore(path).getUsableSpace();
        if (result == Fallocate.Result.NO_SPACE || result == Fallocate.Result.UNSUPPORTED && usable < length) {
            throw noSpace(format, name, path, length, usable, Files.getFileStore(path).getTotalSpace());
        }
    }

    /** Says how much is missing and how to give a container's or a tmpfs's file system more. */
    private static InvalidConfigException noSpace(FileFormat format, String name, Path path, long length, long free,
                                                  long total) {
        long missing = Math.max(length - free, 0);
        long mib = 1 << 20;
        long suggested = (total + missing + mib - 1) / mib; // the file system's size with this file in it
        Path dir = path.getParent();
        return new InvalidConfigException(format.noun() + " '" + name + "' needs " + length + " bytes ("
            + mib(length) + ") in " + dir + ", but only " + free + " (" + mib(free) + ") are free there: "
            + mib(missing) + " missing (or over a quota). Make it smaller, delete what is no longer used "
            + "(xmem ls, xmem rm), or give " + dir + " more room: a Docker container with --shm-size="
            + suggested + "m or more (Kubernetes: a memory-backed emptyDir mounted there), a tmpfs with "
            + "mount -o remount,size=" + suggested + "M " + dir);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) (1 << 20));
    }

    /**
     * Maps an existing file, waiting up to {@link #READY_TIMEOUT_MILLIS} for its creator to
     * finish, checks its prefix and returns it with the layout {@code reader} validated. With
     * {@code readOnly} nothing done through the mapping can change the file.
     */
    public static <L> MappedFile<L> open(FileFormat format, Path dir, String name, boolean readOnly,
                                         LayoutReader<L> reader) {
        Path path = format.path(dir, name);
        String what = format.noun() + " file " + path;
        awaitReady(format, name, path, what);
        Arena arena = Arena.ofShared();
        FileChannel channel = null;
        boolean done = false;
        try {
            channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = channel.size();
            if (size < format.headerLength()) {
                throw new IncompatibleLayoutException(what + " is only " + size + " bytes, shorter than its header: "
                    + "truncated; delete it (" + format.deleteHint(name) + ") and create it again");
            }
            FileChannel.MapMode mode = readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE;
            MemorySegment file = channel.map(mode, 0, size, arena);
            checkPrefix(format, file, size, what);
            L layout = reader.read(file, size, what);
            done = true;
            return new MappedFile<>(path, channel, arena, file, layout);
        } catch (NoSuchFileException e) {
            throw format.notFound(name, path, e);
        } catch (IOException e) {
            throw new XmemException("cannot open " + format.noun() + " '" + name + "' at " + path + ": "
                + e.getMessage(), e);
        } finally {
            if (!done) {
                arena.close();
                FileIo.closeQuietly(channel);
            }
        }
    }

    private static void checkPrefix(FileFormat format, MemorySegment file, long size, String what) {
        if ((int) INT.getAcquire(file, (long) STATE_OFFSET) != STATE_READY
            || file.get(ValueLayout.JAVA_LONG, MAGIC_OFFSET) != format.magic()) {
            throw new IncompatibleLayoutException(what + " changed while being opened: it was replaced or damaged");
        }
        int headerLength = file.get(ValueLayout.JAVA_INT, HEADER_LENGTH_OFFSET);
        if (headerLength != format.headerLength()) {
            throw new IncompatibleLayoutException(what + " has an invalid header (header length " + headerLength
                + "): it is damaged or was not written by xmem; delete and recreate the " + format.noun());
        }
        long fileLength = file.get(ValueLayout.JAVA_LONG, FILE_LENGTH_OFFSET);
        if (fileLength != size) {
            throw new IncompatibleLayoutException(what + " is " + size + " bytes but its header says " + fileLength
                + ": the file was truncated or damaged; delete and recreate the " + format.noun());
        }
    }

    private enum Probe {
        READY(""), SHORT("file shorter than its header"), INITIALISING("header not yet written");

        final String reason;

        Probe(String reason) {
            this.reason = reason;
        }
    }

    private static void awaitReady(FileFormat format, String name, Path path, String what) {
        long deadline = System.nanoTime() + READY_TIMEOUT_MILLIS * 1_000_000L;
        while (true) {
            Probe probe = probe(format, name, path);
            if (probe == Probe.READY) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IncompatibleLayoutException(what + " is still not READY after " + READY_TIMEOUT_MILLIS
                    + " ms (" + probe.reason + "): its creator died while creating it, or it was truncated; delete it ("
                    + format.deleteHint(name) + ") and create it again");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new XmemException("interrupted while waiting for " + format.noun() + " '" + name
                    + "' to be ready", e);
            }
        }
    }

    /** Reads the prefix with a plain read: no mapping of a file that may be foreign or still growing. */
    private static Probe probe(FileFormat format, String name, Path path) {
        ByteBuffer prefix = FileIo.readHead(path, LENGTH, e -> format.notFound(name, path, e));
        if (prefix.position() >= Long.BYTES) {
            long magic = prefix.getLong(MAGIC_OFFSET);
            if (magic != 0 && magic != format.magic()) {
                throw new IncompatibleLayoutException(path + " is not an xmem " + format.noun() + " (magic 0x"
                    + Long.toHexString(magic) + "): choose another name, or delete the file if it is garbage");
            }
        }
        if (prefix.position() < LENGTH) {
            return Probe.SHORT;
        }
        if (prefix.getLong(MAGIC_OFFSET) == 0 || prefix.getInt(STATE_OFFSET) == STATE_INITIALISING) {
            return Probe.INITIALISING; // the creator is still writing: judge nothing else yet
        }
        int version = prefix.getInt(VERSION_OFFSET);
        if (version != format.version()) {
            throw new IncompatibleLayoutException(path + " has layout version " + version + "; this xmem reads version "
                + format.version() + ": open it with the xmem that created it, or delete and recreate it");
        }
        int state = prefix.getInt(STATE_OFFSET);
        if (state != STATE_READY) {
            throw new IncompatibleLayoutException(path + " has an unknown state " + state + ": damaged; delete and "
                + "recreate it");
        }
        return Probe.READY;
    }

    /**
     * Creates a lock file with {@code perms}; false if one is there already (left by an earlier
     * file of the same name, or made by a racing opener: locks live in the open file
     * descriptions, not in the file, so it is as good as new).
     */
    static boolean createLockFile(Path lock, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.createFile(lock, PosixFilePermissions.asFileAttribute(perms));
            Files.setPosixFilePermissions(lock, perms);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Unlinks a file and its lock file; processes that have it mapped keep using it until they close. */
    public static boolean delete(FileFormat format, Path dir, String name) {
        boolean existed = FileIo.delete(format.path(dir, name));
        FileIo.delete(format.lockPath(dir, name));
        return existed;
    }
}
