package io.xmem.ring.internal;

import io.xmem.pool.BufferPool;
import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.FileIo;
import io.xmem.pool.internal.PoolFiles;
import io.xmem.pool.internal.PoolInternals;
import io.xmem.pool.internal.SharedPool;
import io.xmem.ring.RingConfig;
import io.xmem.ring.RingExistsException;
import io.xmem.ring.RingNotFoundException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One ring as seen by this JVM: the mapping, the lock file (one channel per JVM, since file
 * locks are per process and closing any channel of the file may drop them all) and the pool
 * the ring's records refer to. Every {@code Ring} object of one ring file in this JVM shares
 * one instance.
 */
public final class SharedRing {
    public static final String SUFFIX = ".ring";
    public static final String LOCK_SUFFIX = ".ring.lock";
    /**
     * Lock byte of publishing: an exclusive publication holds it exclusively, concurrent ones
     * share it (so the two kinds never mix). Subscribers hold bytes 0..maxSubscribers-1; the
     * concurrent publication with id {@code k + 1} holds byte {@code PUBLISHER_LOCK + 1 + k}.
     */
    public static final long PUBLISHER_LOCK = 1L << 20;
    public static final int MAX_CONCURRENT_PUBLICATIONS = 64;
    private static final long READY_TIMEOUT_MILLIS = 5_000;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();
    private static final Map<Object, SharedRing> OPEN = new HashMap<>();

    public final String name;
    public final Path path;
    public final RingLayout layout;
    public final MemorySegment file;
    /** The pool of the ring's buffer references, or null for an inline-only ring. */
    public final BufferPool pool;
    public final SharedPool sharedPool;
    private final Arena arena;
    private final FileChannel channel;
    private final FileChannel lockChannel;
    private final Object fileKey;
    private int openCount;
    private volatile boolean closed;
    private FileLock publishingLock;
    private static final long PROBE_INTERVAL_NANOS = 1_000_000;
    private final Runnable exhaustionHook;
    /** Last time the exhaustion hook probed for dead subscribers (nanoTime); probes cost syscalls. */
    private volatile long lastExhaustionProbe = System.nanoTime() - PROBE_INTERVAL_NANOS;
    private int concurrentPublications;

    private SharedRing(String name, Path path, Object fileKey, Arena arena, FileChannel channel, MemorySegment file,
                       RingLayout layout, FileChannel lockChannel, BufferPool pool) {
        this.name = name;
        this.path = path;
        this.fileKey = fileKey;
        this.arena = arena;
        this.channel = channel;
        this.file = file;
        this.layout = layout;
        this.lockChannel = lockChannel;
        this.pool = pool;
        this.sharedPool = pool == null ? null : PoolInternals.shared(pool);
        this.exhaustionHook = pool == null ? null : this::releasePassed;
        if (sharedPool != null) {
            sharedPool.addExhaustionHook(exhaustionHook);
        }
    }

    /**
     * When the pool runs dry in this JVM: drop the pins of records every live subscriber has
     * passed (or of everything committed, if nobody subscribes). Subscribers that are not Java
     * (a reader following the layout) never release pins themselves.
     */
    private void releasePassed() {
        if (closed) {
            return;
        }
        RingLog log = new RingLog(this); // may run on any acquiring thread: a flyweight of its own
        // A killed subscriber's pins would starve an acquirer whom nothing else probes for it (no
        // back-pressure on the ring, survivors idle at the tail): probe, at most every millisecond.
        long now = System.nanoTime();
        boolean probe = now - lastExhaustionProbe >= PROBE_INTERVAL_NANOS;
        if (probe) {
            lastExhaustionProbe = now;
        }
        long min = log.minSubscriberPosition(probe);
        log.releaseUpTo(min == Long.MAX_VALUE ? log.tail() : min);
    }

    public boolean isClosed() {
        return closed;
    }

    public static Path ringPath(Path dir, String name) {
        return dir.resolve(PoolFiles.validateName(name) + SUFFIX);
    }

    public static Path lockPath(Path dir, String name) {
        return dir.resolve(PoolFiles.validateName(name) + LOCK_SUFFIX);
    }

    // ---------------------------------------------------------------- create / open / close

    public static synchronized SharedRing create(String name, RingConfig config) {
        Path dir = config.directory();
        Path path = ringPath(dir, name);
        Path lock = lockPath(dir, name);
        if (!Files.isDirectory(dir)) {
            throw new InvalidConfigException("directory " + dir + " does not exist");
        }
        BufferPool pool = config.pool() == null ? null : BufferPool.open(config.pool(), dir);
        Arena arena = Arena.ofShared();
        FileChannel channel = null;
        FileChannel lockChannel = null;
        boolean done = false;
        boolean created = false;
        try {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(config.permissions()));
                created = true;
            } catch (FileAlreadyExistsException e) {
                throw new RingExistsException("ring '" + name + "' already exists at " + path + ": open it with "
                    + "Ring.open, or delete it first (Ring.delete)", e);
            }
            Files.setPosixFilePermissions(path, config.permissions());
            try {
                Files.createFile(lock, PosixFilePermissions.asFileAttribute(config.permissions()));
                Files.setPosixFilePermissions(lock, config.permissions());
            } catch (FileAlreadyExistsException e) {
                // left by an earlier ring of that name: locks live in open files, not in the file
            }
            RingLayout layout = RingLayout.of(config, ThreadLocalRandom.current().nextLong(), pool == null ? 0 : pool.id());
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            MemorySegment file = channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileLength(), arena);
            layout.writeTo(file, ProcessHandle.current().pid());
            INT.setRelease(file, (long) RingHeaderDescriptor.STATE_OFFSET, RingHeaderDescriptor.STATE_READY);
            lockChannel = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE);
            SharedRing ring = register(name, path, arena, channel, file, layout, lockChannel, pool);
            done = true;
            return ring;
        } catch (IOException e) {
            throw new XmemException("cannot create ring '" + name + "' at " + path + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                abandon(arena, channel, lockChannel, pool);
                if (created) {
                    FileIo.delete(path);
                }
            }
        }
    }

    public static synchronized SharedRing open(String name, Path dir) {
        Path path = ringPath(dir, name);
        SharedRing existing = OPEN.get(fileKey(name, path));
        if (existing != null) {
            existing.openCount++;
            return existing;
        }
        waitReady(name, path);
        Arena arena = Arena.ofShared();
        FileChannel channel = null;
        FileChannel lockChannel = null;
        BufferPool pool = null;
        boolean done = false;
        String what = "ring file " + path;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = channel.size();
            if (size < RingHeaderDescriptor.LENGTH) {
                throw new IncompatibleLayoutException(what + " is only " + size + " bytes: truncated; delete and recreate it");
            }
            MemorySegment file = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            RingLayout layout = RingLayout.read(file, size, what);
            if (layout.poolName() != null) {
                pool = BufferPool.open(layout.poolName(), dir);
                if (pool.id() != layout.poolId()) {
                    throw new IncompatibleLayoutException("ring '" + name + "' was made for pool '" + layout.poolName()
                        + "' with id 0x" + Long.toHexString(layout.poolId()) + ", but that pool now has id 0x"
                        + Long.toHexString(pool.id()) + " (it was deleted and created again): recreate the ring");
                }
            }
            Path lock = lockPath(dir, name);
            if (!Files.exists(lock)) {
                try {
                    Files.createFile(lock, PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(path)));
                } catch (FileAlreadyExistsException e) {
                    // a racing opener made it
                }
            }
            lockChannel = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE);
            SharedRing ring = register(name, path, arena, channel, file, layout, lockChannel, pool);
            done = true;
            return ring;
        } catch (NoSuchFileException e) {
            throw notFound(name, path, e);
        } catch (IOException e) {
            throw new XmemException("cannot open ring '" + name + "' at " + path + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                abandon(arena, channel, lockChannel, pool);
            }
        }
    }

    private static SharedRing register(String name, Path path, Arena arena, FileChannel channel, MemorySegment file,
                                       RingLayout layout, FileChannel lockChannel, BufferPool pool) {
        SharedRing ring = new SharedRing(name, path, fileKey(name, path), arena, channel, file, layout, lockChannel, pool);
        ring.openCount = 1;
        OPEN.put(ring.fileKey, ring);
        return ring;
    }

    /** Undoes a create or open that failed half-way. */
    private static void abandon(Arena arena, FileChannel channel, FileChannel lockChannel, BufferPool pool) {
        arena.close();
        FileIo.closeQuietly(channel);
        FileIo.closeQuietly(lockChannel);
        if (pool != null) {
            pool.close();
        }
    }

    /** Waits for READY with plain reads; rejects a foreign file or another version at once. */
    public static void waitReady(String name, Path path) {
        long deadline = System.nanoTime() + READY_TIMEOUT_MILLIS * 1_000_000L;
        while (true) {
            ByteBuffer header = FileIo.readHead(path, 24, e -> notFound(name, path, e));
            if (header.position() >= 8) {
                long magic = header.getLong(0);
                if (magic != 0 && magic != RingHeaderDescriptor.MAGIC) {
                    throw new IncompatibleLayoutException(path + " is not an xmem ring (magic 0x" + Long.toHexString(magic)
                        + "): choose another name, or delete the file if it is garbage");
                }
                if (magic == RingHeaderDescriptor.MAGIC && header.position() == 24
                    && header.getInt(RingHeaderDescriptor.STATE_OFFSET) == RingHeaderDescriptor.STATE_READY) {
                    return;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IncompatibleLayoutException(path + " is still not READY after " + READY_TIMEOUT_MILLIS
                    + " ms: its creator died while creating it, or it was truncated; delete it and create it again");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new XmemException("interrupted while waiting for ring '" + name + "' to be ready", e);
            }
        }
    }

    /**
     * Runs {@code action} with this JVM's open instance of the ring file at {@code path}, or
     * {@code null} when there is none, while no ring opens or closes in this JVM: a look from
     * outside must probe locks through the open instance's channel, because closing a channel of
     * its own on the lock file would drop every lock this JVM holds there.
     */
    public static synchronized <T> T withOpen(String name, Path path, java.util.function.Function<SharedRing, T> action) {
        return action.apply(OPEN.get(fileKey(name, path)));
    }

    public static synchronized void close(SharedRing ring) {
        if (--ring.openCount > 0) {
            return;
        }
        OPEN.remove(ring.fileKey, ring);
        if (ring.sharedPool != null) {
            ring.sharedPool.removeExhaustionHook(ring.exhaustionHook);
        }
        ring.closed = true;
        try {
            ring.arena.close();
        } finally {
            FileIo.closeQuietly(ring.lockChannel);
            FileIo.closeQuietly(ring.channel);
            if (ring.pool != null) {
                ring.pool.close();
            }
        }
    }

    public static boolean delete(String name, Path dir) {
        boolean existed = FileIo.delete(ringPath(dir, name));
        FileIo.delete(lockPath(dir, name));
        return existed;
    }

    // ---------------------------------------------------------------- locks

    /**
     * Takes the right to publish: exclusive, or shared with other concurrent publications.
     * Java file locks cannot overlap within one JVM, so concurrent publications of this JVM
     * share one shared OS lock, counted here. False if the other kind holds it anywhere.
     */
    public synchronized boolean enterPublishing(boolean concurrent) {
        if (concurrent && concurrentPublications > 0) {
            concurrentPublications++;
            return true;
        }
        FileLock lock = tryLock(PUBLISHER_LOCK, concurrent);
        if (lock == null) {
            return false;
        }
        publishingLock = lock;
        concurrentPublications = concurrent ? 1 : 0;
        return true;
    }

    public synchronized void leavePublishing(boolean concurrent) {
        if (concurrent && --concurrentPublications > 0) {
            return;
        }
        if (publishingLock != null) {
            if (!closed) {
                unlock(publishingLock);
            }
            publishingLock = null;
        }
    }

    /** Takes lock byte {@code index} of the ring's lock file, or null if another process holds it. */
    public FileLock tryLock(long index, boolean shared) {
        try {
            return lockChannel.tryLock(index, 1, shared);
        } catch (OverlappingFileLockException e) {
            return null; // held by this JVM
        } catch (IOException e) {
            throw new XmemException("cannot lock byte " + index + " of ring '" + name + "''s lock file: " + e.getMessage(), e);
        }
    }

    public static void unlock(FileLock lock) {
        try {
            lock.release();
        } catch (IOException e) {
            throw new XmemException("cannot release a ring lock: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static RingNotFoundException notFound(String name, Path path, Exception cause) {
        return new RingNotFoundException("ring '" + name + "' does not exist (no " + path + "): create it first with "
            + "Ring.create, or check the name and directory", cause);
    }

    private static Object fileKey(String name, Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            throw notFound(name, path, e);
        } catch (IOException e) {
            throw new XmemException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

}
