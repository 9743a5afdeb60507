package io.xmem.pool;

import io.xmem.pool.internal.MappedPool;
import io.xmem.pool.internal.Participants;
import io.xmem.pool.internal.PoolAccess;
import io.xmem.pool.internal.PoolFiles;
import io.xmem.pool.internal.PoolLayout;
import io.xmem.pool.internal.SlotDescriptor;
import io.xmem.pool.internal.SlotReferences;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A named pool of buffers in shared memory, used by several processes at once. Buffers are
 * named across processes by 64-bit tokens; references are counted per process and survive
 * the death of any holder (a dead process's references are reclaimed).
 *
 * <pre>{@code
 * PoolConfig cfg = PoolConfig.builder().sizeClass(4096, 1024).sizeClass(8 << 20, 16).build();
 * try (BufferPool pool = BufferPool.create("frames", cfg);
 *      Buffer buf = pool.acquire(6_220_800)) {          // from the 8 MiB class
 *     buf.segment().fill((byte) 1);
 *     long token = buf.token();                         // hand it to another process
 * }
 * // in the other process
 * try (BufferPool pool = BufferPool.open("frames");
 *      Buffer b = pool.attach(token)) {
 *     use(b.segment());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Several {@code BufferPool} objects for one pool in one JVM share one
 * participant entry; the last to close leaves the pool, releasing every reference this
 * process still holds. A pool may also have device (GPU) size classes: their buffers are
 * reached through the {@code xmem-cuda} module's {@code io.xmem.cuda.CudaPool}; the methods
 * here serve host buffers.
 */
public final class BufferPool implements AutoCloseable {
    /** The value the token API returns for "no buffer": no live token is ever 0. */
    public static final long NO_TOKEN = 0;
    /** A waiting acquire spins this many tries before it parks. */
    private static final int SPINS = 100;
    /** While spinning, one try in this many is a full one (see {@link #acquireWaiting}). */
    private static final int FULL_TRY_EVERY = 16;

    static {
        PoolAccess.register(new Access());
    }

    private final MappedPool mapped;
    private final SlotReferences refs;
    private final PoolLayout layout;
    private volatile boolean closed;

    private BufferPool(MappedPool mapped) {
        this.mapped = mapped;
        this.refs = mapped.references();
        this.layout = mapped.layout();
    }

    /** Creates a pool file in {@code config.directory()}; {@link PoolExistsException} if present. */
    public static BufferPool create(String name, PoolConfig config) {
        return new BufferPool(MappedPool.create(name, config));
    }

    /**
     * Opens the pool {@code name} if it exists with the layout {@code config} describes, creates it
     * if it does not: what a program that may run first or second wants. In
     * {@code config.directory()}. {@link IncompatibleLayoutException} naming what differs when the
     * pool exists with another layout; processes racing to do this all end up with the one pool.
     *
     * <pre>{@code
     * try (BufferPool pool = BufferPool.openOrCreate("frames", cfg)) { ... }  // first run or tenth
     * }</pre>
     */
    public static BufferPool openOrCreate(String name, PoolConfig config) {
        return openOrCreate(name, config.directory(), config);
    }

    /** Like {@link #openOrCreate(String, PoolConfig)} in {@code directory} (instead of the config's). */
    public static BufferPool openOrCreate(String name, Path directory, PoolConfig config) {
        return new BufferPool(MappedPool.openOrCreate(name, directory, config));
    }

    /** Opens a pool in {@code /dev/shm}. */
    public static BufferPool open(String name) {
        return open(name, PoolConfig.DEFAULT_DIRECTORY);
    }

    /**
     * Opens an existing pool, waiting briefly if its creator is still writing it.
     * {@link PoolNotFoundException} if absent, {@link IncompatibleLayoutException} if the file is
     * not a usable pool, {@link TooManyParticipantsException} if full.
     */
    public static BufferPool open(String name, Path directory) {
        return new BufferPool(MappedPool.open(name, directory));
    }

    /** Unlinks a pool in {@code /dev/shm}; returns false if there was none. */
    public static boolean delete(String name) {
        return delete(name, PoolConfig.DEFAULT_DIRECTORY);
    }

    /**
     * Unlinks a pool's files. Processes that have it open keep working on it until they close;
     * the name is free for a new pool at once.
     */
    public static boolean delete(String name, Path directory) {
        return PoolFiles.delete(name, directory);
    }

    /**
     * The files a pool named {@code name} has in {@code directory}: the pool file, then its lock
     * file ({@code NAME.pool}, {@code NAME.pool.lock}); they need not exist. For tools that list,
     * watch or clean up pools; {@link InvalidNameException} for a name that is not a plain file name.
     */
    public static List<Path> files(String name, Path directory) {
        return List.of(PoolFiles.poolPath(directory, name), PoolFiles.lockPath(directory, name));
    }

    public String name() {
        return mapped.name();
    }

    public Path path() {
        return mapped.path();
    }

    /** A random id chosen when the pool was created: a pool deleted and created again differs. */
    public long id() {
        return mapped.poolId();
    }

    // ------------------------------------------------------------ handles

    /** Takes a buffer of at least {@code size} bytes from the smallest class that fits. */
    public Buffer acquire(long size) {
        // No null between the claim and the handle (as tryAcquire has): the JIT can then keep a
        // handle that does not escape its try block in registers, and acquire + close allocate nothing.
        int sizeClass = hostClassFor(size);
        long token = mapped.tryClaimOrReclaim(sizeClass, size);
        if (token == -1) {
            throw exhausted(sizeClass);
        }
        return newBuffer(token, size, sizeClass);
    }

    /** Like {@link #acquire(long)} but returns {@code null} when the class is exhausted. */
    public Buffer tryAcquire(long size) {
        return tryAcquireIn(hostClassFor(size), size);
    }

    /** Waits up to {@code timeout} for a buffer to come free, then {@link PoolExhaustedException}. */
    public Buffer acquire(long size, Duration timeout) {
        return acquireWaiting(hostClassFor(size), size, timeout);
    }

    private Buffer tryAcquireIn(int sizeClass, long size) {
        long token = mapped.tryClaimOrReclaim(sizeClass, size);
        return token == -1 ? null : newBuffer(token, size, sizeClass);
    }

    /**
     * Tries in full (scan, exhaustion hooks, reclaim) at first, every {@value #FULL_TRY_EVERY}th
     * spin and at every park; in between only at the class's cursor, where each release announces
     * the slot it freed. So a publisher waiting for its subscribers to let go of a buffer neither
     * allocates nor rescans the class per spin.
     */
    private Buffer acquireWaiting(int sizeClass, long size, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long parkNanos = 1_000;
        for (int attempt = 0; ; attempt++) {
            boolean full = attempt % FULL_TRY_EVERY == 0 || attempt >= SPINS;
            long token = mapped.tryClaimOrReclaim(sizeClass, size, full);
            if (token != -1) {
                return newBuffer(token, size, sizeClass);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw exhausted(sizeClass);
            }
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(Math.min(parkNanos, left));
                parkNanos = Math.min(parkNanos * 2, 1_000_000);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new XmemException("interrupted while waiting for a buffer of " + size + " bytes");
                }
            }
        }
    }

    private Buffer newBuffer(long token, long size, int sizeClass) {
        Buffer buffer = new Buffer(refs, mapped.poolId(), token, size, sizeClass, true);
        if (layout.zeroOnAcquire) {
            if (buffer.isDevice()) {
                mapped.device().zero(SlotDescriptor.tokenSlot(token), size);
            } else {
                buffer.segment().fill((byte) 0);
            }
        }
        return buffer;
    }

    /** A new handle on the buffer {@code token} names; {@link StaleTokenException} if it is gone. */
    public Buffer attach(long token) {
        return attach(token, true);
    }

    private Buffer attach(long token, boolean writable) {
        ensureOpen();
        int sizeClass = refs.sizeClassOfToken(token);
        long length = refs.attach(token, sizeClass);
        return new Buffer(refs, mapped.poolId(), token, length, sizeClass, writable);
    }

    // ------------------------------------------------------------ token API (no handle objects)

    /**
     * Like {@link #tryAcquire(long)} without a {@link Buffer} object: returns the token of a
     * buffer now holding one reference for this process, or {@link #NO_TOKEN} when the class is
     * exhausted. Allocation-free by construction, for loops that must not allocate; the
     * reference is dropped with {@link #releaseToken(long)}, and the bytes are reached through
     * {@link #segment(long)}.
     *
     * <pre>{@code
     * long t = pool.tryAcquireToken(4096);
     * if (t != BufferPool.NO_TOKEN) {
     *     try { fill(pool.segment(t)); publish(t); } finally { pool.releaseToken(t); }
     * }
     * }</pre>
     */
    public long tryAcquireToken(long size) {
        long token = mapped.tryClaimOrReclaim(hostClassFor(size), size);
        if (token == -1) {
            return NO_TOKEN;
        }
        if (layout.zeroOnAcquire) {
            segment(token).fill((byte) 0);
        }
        return token;
    }

    /**
     * Adds one reference of this process to the buffer {@code token} names, as {@link #attach}
     * does but without a handle; returns the buffer's length. {@link StaleTokenException} if
     * the buffer is gone.
     */
    public long attachToken(long token) {
        ensureOpen();
        return refs.attach(token, refs.sizeClassOfToken(token));
    }

    /**
     * Drops one reference this process holds on {@code token} (taken by
     * {@link #tryAcquireToken} or {@link #attachToken}); {@link IllegalStateException} if it
     * holds none.
     */
    public void releaseToken(long token) {
        ensureOpen();
        int sizeClass = refs.sizeClassOfToken(token);
        refs.release(SlotDescriptor.tokenSlot(token), SlotDescriptor.tokenGeneration(token), sizeClass);
    }

    /**
     * The bytes of a buffer this process holds a reference to under {@code token}: exactly its
     * length. {@link IllegalStateException} if this process holds no reference to it, or if it
     * is a device buffer (whose bytes are on the GPU).
     */
    public MemorySegment segment(long token) {
        ensureOpen();
        int sizeClass = refs.sizeClassOfToken(token);
        long length = refs.heldLength(token);
        if (layout.device[sizeClass]) {
            throw new IllegalStateException("token 0x" + Long.toHexString(token) + " names a device buffer: its bytes "
                + "are on the GPU (use CudaPool, module xmem-cuda)");
        }
        int slot = SlotDescriptor.tokenSlot(token);
        long capacity = layout.bufferSize[sizeClass];
        if (length < 0 || length > capacity) {
            throw new CorruptPoolException("pool '" + name() + "': slot " + slot + " records length " + length
                + " for a buffer of " + capacity + " bytes; another process wrote the slot table");
        }
        return refs.memory().asSlice(layout.bufferOffset(slot, sizeClass), length);
    }

    // ------------------------------------------------------------ the pool as a whole

    /** Frees what dead participants held; returns how many buffers became free. */
    public int reclaim() {
        ensureOpen();
        return mapped.reclaim();
    }

    /**
     * Buffers this process freed from dead participants when it joined the pool (reclaim runs
     * on open); a later {@link #reclaim()} counts only what died since. Several BufferPool
     * objects of one pool in one JVM share the process's single join.
     */
    public int reclaimedOnOpen() {
        return mapped.reclaimedOnJoin();
    }

    /** A snapshot of the pool's classes and participants. */
    public PoolStats stats() {
        ensureOpen();
        int[] free = mapped.freeCounts();
        List<PoolStats.SizeClassStats> classes = new ArrayList<>(free.length);
        for (int c = 0; c < free.length; c++) {
            int total = layout.count[c];
            classes.add(new PoolStats.SizeClassStats(layout.bufferSize[c], total, free[c], total - free[c],
                layout.device[c]));
        }
        List<PoolStats.Participant> participants = new ArrayList<>();
        for (Participants.Row r : mapped.participantRows()) {
            participants.add(new PoolStats.Participant(r.index(), r.pid(), r.startMillis(), r.alive(), r.self(),
                r.buffersHeld(), r.label()));
        }
        return new PoolStats(name(), List.copyOf(classes), List.copyOf(participants));
    }

    /**
     * A scope of scratch allocations sliced from pool buffers, all released by its
     * {@code close()}; plugs into every FFM API that takes a {@link SegmentAllocator}.
     */
    public PoolScope scope() {
        ensureOpen();
        return new PoolScope(this);
    }

    /** The index of this process's participant entry (its bit in every holder mask). */
    public int participantIndex() {
        return mapped.participantIndex();
    }

    /**
     * The holder mask of the buffer a token names (one bit per participant holding it; zero when
     * free), whatever the token's generation. For diagnostics and tests.
     */
    public long holders(long token) {
        int slot = SlotDescriptor.tokenSlot(token);
        if (slot >= layout.slotCount) {
            throw new StaleTokenException("token 0x" + Long.toHexString(token) + " is not a token of pool '" + name()
                + "'");
        }
        return SlotDescriptor.holders(refs.slotState(slot));
    }

    /** Whether the pool has device (GPU) size classes. */
    public boolean hasDeviceClasses() {
        return layout.hasDeviceClasses();
    }

    /** Largest host buffer size this pool offers; 0 if it has only device classes. */
    public long maxBufferSize() {
        int hostClasses = layout.firstDeviceClass;
        return hostClasses == 0 ? 0 : layout.bufferSize[hostClasses - 1];
    }

    /** Buffer size of the host class that would serve {@code size}, or -1 if none fits. */
    public long classSizeFor(long size) {
        int c = mapped.sizeClassFor(size);
        return c < 0 ? -1 : layout.bufferSize[c];
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        mapped.release();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pool '" + name() + "' is closed");
        }
    }

    private int hostClassFor(long size) {
        checkSize(size);
        int sizeClass = mapped.sizeClassFor(size);
        if (sizeClass < 0) {
            throw new NoSizeClassException("pool '" + name() + "' has no size class for " + size + " bytes (its "
                + "largest holds " + maxBufferSize() + "): create the pool with a larger PoolConfig.sizeClass");
        }
        return sizeClass;
    }

    private int deviceClassFor(long size) {
        checkSize(size);
        int sizeClass = mapped.deviceSizeClassFor(size);
        if (sizeClass < 0) {
            throw new NoSizeClassException("pool '" + name() + "' has no device size class for " + size + " bytes"
                + (hasDeviceClasses() ? " (its largest holds " + layout.bufferSize[layout.sizeClassCount() - 1] + ")"
                : "") + ": create the pool with PoolConfig.deviceSizeClass");
        }
        return sizeClass;
    }

    private void checkSize(long size) {
        ensureOpen();
        if (size < 0) {
            throw new NoSizeClassException("buffer size must not be negative, was " + size);
        }
    }

    private PoolExhaustedException exhausted(int c) {
        long classSize = layout.bufferSize[c];
        int count = layout.count[c];
        boolean device = layout.device[c];
        return new PoolExhaustedException("pool '" + name() + "': all " + count + " " + (device ? "device " : "")
            + "buffers of " + classSize + " bytes are held; release some, wait with acquire(size, timeout), or create "
            + "the pool with more (PoolConfig." + (device ? "deviceSizeClass" : "sizeClass") + "(" + classSize
            + ", n))");
    }

    /** What xmem's other modules reach through {@link PoolAccess}. */
    private static final class Access implements PoolAccess.Accessor {
        @Override
        public MappedPool mapped(BufferPool pool) {
            return pool.mapped;
        }

        @Override
        public Buffer tryAcquireDevice(BufferPool pool, long size) {
            return pool.tryAcquireIn(pool.deviceClassFor(size), size);
        }

        @Override
        public Buffer acquireDevice(BufferPool pool, long size, Duration timeout) {
            return pool.acquireWaiting(pool.deviceClassFor(size), size, timeout);
        }

        @Override
        public long tryAcquireDeviceToken(BufferPool pool, long size) {
            long token = pool.mapped.tryClaimOrReclaim(pool.deviceClassFor(size), size);
            if (token == -1) {
                return NO_TOKEN;
            }
            if (pool.layout.zeroOnAcquire) {
                pool.mapped.device().zero(SlotDescriptor.tokenSlot(token), size);
            }
            return token;
        }

        @Override
        public Buffer attachReadOnly(BufferPool pool, long token) {
            return pool.attach(token, false);
        }

        @Override
        public int slot(Buffer buffer) {
            return buffer.slot();
        }

        @Override
        public boolean hasWorkBeforeRelease(Buffer buffer) {
            return buffer.hasWorkBeforeRelease();
        }

        @Override
        public void endHandedOver(Buffer buffer) {
            buffer.endHandedOver();
        }

        @Override
        public void beforeRelease(Buffer buffer, Runnable action) {
            buffer.beforeRelease(action);
        }
    }
}
