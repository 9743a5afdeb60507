package io.xmem.pool;

import io.xmem.pool.internal.PoolFiles;
import io.xmem.pool.internal.PoolRegistry;
import io.xmem.pool.internal.SharedPool;

import java.lang.foreign.MemorySegment;
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
 * process still holds.
 */
public final class BufferPool implements AutoCloseable {
    static {
        io.xmem.pool.internal.PoolInternals.register(pool -> pool.shared);
    }

    private final SharedPool shared;
    private volatile boolean closed;

    private BufferPool(SharedPool shared) {
        this.shared = shared;
    }

    /** Creates a pool file in {@code config.directory()}; {@link PoolExistsException} if present. */
    public static BufferPool create(String name, PoolConfig config) {
        return new BufferPool(PoolRegistry.create(name, config));
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
        return new BufferPool(PoolRegistry.open(name, directory));
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

    public String name() {
        return shared.name;
    }

    public Path path() {
        return shared.path;
    }

    /** A random id chosen when the pool was created: a pool deleted and created again differs. */
    public long id() {
        return shared.poolId;
    }

    /** Takes a buffer of at least {@code size} bytes from the smallest class that fits. */
    public Buffer acquire(long size) {
        Buffer buffer = tryAcquire(size);
        if (buffer == null) {
            throw exhausted(sizeClassFor(size));
        }
        return buffer;
    }

    /** Like {@link #acquire(long)} but returns {@code null} when the class is exhausted. */
    public Buffer tryAcquire(long size) {
        int sizeClass = sizeClassFor(size);
        long token = shared.tryClaimOrReclaim(sizeClass, size);
        return token == -1 ? null : newBuffer(token, size, sizeClass);
    }

    /** Waits up to {@code timeout} for a buffer to come free, then {@link PoolExhaustedException}. */
    public Buffer acquire(long size, Duration timeout) {
        return acquireWaiting(sizeClassFor(size), size, timeout);
    }

    private Buffer acquireWaiting(int sizeClass, long size, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long parkNanos = 1_000;
        for (int attempt = 0; ; attempt++) {
            long token = shared.tryClaimOrReclaim(sizeClass, size);
            if (token != -1) {
                return newBuffer(token, size, sizeClass);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw exhausted(sizeClass);
            }
            if (attempt < 100) {
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

    // ------------------------------------------------------------ device buffers

    /**
     * Takes a buffer of at least {@code size} bytes from the smallest device size class that
     * fits: GPU memory, shared with other processes through CUDA IPC. Its bytes are reached
     * through {@link Buffer#devicePointer()}, not {@link Buffer#segment()}.
     */
    public Buffer acquireDevice(long size) {
        Buffer buffer = tryAcquireDevice(size);
        if (buffer == null) {
            throw exhausted(deviceSizeClassFor(size));
        }
        return buffer;
    }

    /** Like {@link #acquireDevice(long)} but returns {@code null} when the class is exhausted. */
    public Buffer tryAcquireDevice(long size) {
        int sizeClass = deviceSizeClassFor(size);
        long token = shared.tryClaimOrReclaim(sizeClass, size);
        return token == -1 ? null : newBuffer(token, size, sizeClass);
    }

    /** Waits up to {@code timeout} for a device buffer to come free, then {@link PoolExhaustedException}. */
    public Buffer acquireDevice(long size, Duration timeout) {
        return acquireWaiting(deviceSizeClassFor(size), size, timeout);
    }

    /** Like {@link #tryAcquireToken(long)} for a device buffer. */
    public long tryAcquireDeviceToken(long size) {
        int sizeClass = deviceSizeClassFor(size);
        long token = shared.tryClaimOrReclaim(sizeClass, size);
        if (token == -1) {
            return NO_TOKEN;
        }
        if (shared.zeroOnAcquire()) {
            shared.deviceSlots.zero(io.xmem.pool.internal.SlotDescriptor.tokenSlot(token), sizeClass, size);
        }
        return token;
    }

    /**
     * The device address, in this process's CUDA context, of a device buffer this process holds
     * a reference to under {@code token}; {@link IllegalStateException} for a host buffer or one
     * this process holds no reference to.
     */
    public long devicePointer(long token) {
        ensureOpen();
        int sizeClass = shared.sizeClassOfToken(token);
        shared.heldLength(token);
        if (!shared.layout.device[sizeClass]) {
            throw new IllegalStateException("token 0x" + Long.toHexString(token) + " names a host buffer: use segment(token)");
        }
        return shared.deviceSlots.pointer(io.xmem.pool.internal.SlotDescriptor.tokenSlot(token), sizeClass);
    }

    /** Whether the pool has device size classes. */
    public boolean hasDeviceClasses() {
        return shared.layout.hasDeviceClasses();
    }

    /**
     * The CUDA device of the pool's device buffers, in this process's numbering;
     * {@link IllegalStateException} if the pool has none, {@code CudaUnavailableException} if
     * CUDA cannot be used here.
     */
    public io.xmem.pool.cuda.CudaDevice device() {
        ensureOpen();
        if (shared.deviceSlots == null) {
            throw new IllegalStateException("pool '" + shared.name + "' has no device size classes");
        }
        return shared.deviceSlots.device();
    }

    // ------------------------------------------------------------ token API (no handle objects)

    /** The value the token API returns for "no buffer": no live token is ever 0. */
    public static final long NO_TOKEN = 0;

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
        int sizeClass = sizeClassFor(size);
        long token = shared.tryClaimOrReclaim(sizeClass, size);
        if (token == -1) {
            return NO_TOKEN;
        }
        if (shared.zeroOnAcquire()) {
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
        int sizeClass = shared.sizeClassOfToken(token);
        return shared.attach(token, sizeClass);
    }

    /**
     * Drops one reference this process holds on {@code token} (taken by
     * {@link #tryAcquireToken} or {@link #attachToken}); {@link IllegalStateException} if it
     * holds none.
     */
    public void releaseToken(long token) {
        ensureOpen();
        int sizeClass = shared.sizeClassOfToken(token);
        shared.release(io.xmem.pool.internal.SlotDescriptor.tokenSlot(token),
            io.xmem.pool.internal.SlotDescriptor.tokenGeneration(token), sizeClass);
    }

    /**
     * The bytes of a buffer this process holds a reference to under {@code token}: exactly its
     * length. {@link IllegalStateException} if this process holds no reference to it.
     */
    public MemorySegment segment(long token) {
        ensureOpen();
        int sizeClass = shared.sizeClassOfToken(token);
        long length = shared.heldLength(token);
        if (shared.layout.device[sizeClass]) {
            throw new IllegalStateException("token 0x" + Long.toHexString(token) + " names a device buffer: its bytes "
                + "are on the GPU, use devicePointer(token)");
        }
        int slot = io.xmem.pool.internal.SlotDescriptor.tokenSlot(token);
        long capacity = shared.layout.bufferSize[sizeClass];
        if (length < 0 || length > capacity) {
            throw new CorruptPoolException("pool '" + shared.name + "': slot " + slot + " records length " + length
                + " for a buffer of " + capacity + " bytes; another process wrote the slot table");
        }
        return shared.file().asSlice(shared.bufferOffset(slot, sizeClass), length);
    }

    // ------------------------------------------------------------ handles

    /** A new handle on the buffer {@code token} names; {@link StaleTokenException} if it is gone. */
    public Buffer attach(long token) {
        ensureOpen();
        int sizeClass = shared.sizeClassOfToken(token);
        long length = shared.attach(token, sizeClass);
        return new Buffer(shared, token, length, sizeClass);
    }

    /** Frees what dead participants held; returns how many buffers became free. */
    public int reclaim() {
        ensureOpen();
        return shared.reclaim();
    }

    /**
     * Buffers this process freed from dead participants when it joined the pool (reclaim runs
     * on open); a later {@link #reclaim()} counts only what died since. Several BufferPool
     * objects of one pool in one JVM share the process's single join.
     */
    public int reclaimedOnOpen() {
        return shared.reclaimedOnJoin;
    }

    /** A snapshot of the pool's classes and participants. */
    public PoolStats stats() {
        ensureOpen();
        int[] free = shared.freeCounts();
        List<PoolStats.SizeClassStats> classes = new ArrayList<>(free.length);
        for (int c = 0; c < free.length; c++) {
            int total = shared.layout.count[c];
            classes.add(new PoolStats.SizeClassStats(shared.layout.bufferSize[c], total, free[c], total - free[c],
                shared.layout.device[c]));
        }
        List<PoolStats.Participant> participants = new ArrayList<>();
        for (SharedPool.ParticipantRow r : shared.participantRows()) {
            participants.add(new PoolStats.Participant(r.index(), r.pid(), r.startMillis(), r.alive(), r.self(),
                r.buffersHeld()));
        }
        return new PoolStats(shared.name, List.copyOf(classes), List.copyOf(participants));
    }

    /**
     * A scope of scratch allocations sliced from pool buffers, all released by its
     * {@code close()}; plugs into every FFM API that takes a {@link java.lang.foreign.SegmentAllocator}.
     */
    public PoolScope scope() {
        ensureOpen();
        return new PoolScope(this);
    }

    /** The index of this process's participant entry (its bit in every holder mask). */
    public int participantIndex() {
        return shared.me;
    }

    /**
     * The holder mask of the buffer a token names (one bit per participant holding it; zero when
     * free), whatever the token's generation. For diagnostics and tests.
     */
    public long holders(long token) {
        int slot = io.xmem.pool.internal.SlotDescriptor.tokenSlot(token);
        if (slot >= shared.layout.slotCount) {
            throw new StaleTokenException("token 0x" + Long.toHexString(token) + " is not a token of pool '" + shared.name + "'");
        }
        return io.xmem.pool.internal.SlotDescriptor.holders(shared.slotState(slot));
    }

    /** Largest host buffer size this pool offers; 0 if it has only device classes. */
    public long maxBufferSize() {
        int hostClasses = shared.layout.firstDeviceClass;
        return hostClasses == 0 ? 0 : shared.layout.bufferSize[hostClasses - 1];
    }

    /** Largest device buffer size this pool offers; 0 if it has no device classes. */
    public long maxDeviceBufferSize() {
        return hasDeviceClasses() ? shared.layout.bufferSize[shared.layout.sizeClassCount() - 1] : 0;
    }

    /** Buffer size of the host class that would serve {@code size}, or -1 if none fits. */
    public long classSizeFor(long size) {
        int c = shared.sizeClassFor(size);
        return c < 0 ? -1 : shared.layout.bufferSize[c];
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        PoolRegistry.close(shared);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pool '" + shared.name + "' is closed");
        }
    }

    private int sizeClassFor(long size) {
        ensureOpen();
        if (size < 0) {
            throw new NoSizeClassException("buffer size must not be negative, was " + size);
        }
        int sizeClass = shared.sizeClassFor(size);
        if (sizeClass < 0) {
            throw new NoSizeClassException("pool '" + shared.name + "' has no size class for " + size + " bytes (its "
                + "largest holds " + maxBufferSize() + "): create the pool with a larger PoolConfig.sizeClass");
        }
        return sizeClass;
    }

    private int deviceSizeClassFor(long size) {
        ensureOpen();
        if (size < 0) {
            throw new NoSizeClassException("buffer size must not be negative, was " + size);
        }
        int sizeClass = shared.deviceSizeClassFor(size);
        if (sizeClass < 0) {
            throw new NoSizeClassException("pool '" + shared.name + "' has no device size class for " + size + " bytes"
                + (hasDeviceClasses() ? " (its largest holds " + maxDeviceBufferSize() + ")" : "")
                + ": create the pool with PoolConfig.deviceSizeClass");
        }
        return sizeClass;
    }

    private Buffer newBuffer(long token, long size, int sizeClass) {
        Buffer buffer = new Buffer(shared, token, size, sizeClass);
        if (shared.zeroOnAcquire()) {
            if (buffer.isDevice()) {
                shared.deviceSlots.zero(io.xmem.pool.internal.SlotDescriptor.tokenSlot(token), sizeClass, size);
            } else {
                buffer.segment().fill((byte) 0);
            }
        }
        return buffer;
    }

    private PoolExhaustedException exhausted(int c) {
        long classSize = shared.layout.bufferSize[c];
        int count = shared.layout.count[c];
        String kind = shared.layout.device[c] ? "device " : "";
        return new PoolExhaustedException("pool '" + shared.name + "': all " + count + " " + kind + "buffers of " + classSize
            + " bytes are held; release some, wait with acquire" + (kind.isEmpty() ? "" : "Device")
            + "(size, timeout), or create the pool with more (PoolConfig." + (kind.isEmpty() ? "sizeClass" : "deviceSizeClass")
            + "(" + classSize + ", n))");
    }
}
