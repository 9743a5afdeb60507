package io.xmem.pool.internal;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolExistsException;
import io.xmem.pool.PoolNotFoundException;
import io.xmem.pool.XmemException;
import io.xmem.pool.device.DeviceMemory;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.pool.internal.shm.FileIo;
import io.xmem.pool.internal.shm.MappedFile;
import io.xmem.pool.internal.shm.OpenFiles;
import io.xmem.pool.internal.shm.SharedFile;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import static io.xmem.pool.internal.SlotDescriptor.tokenSlot;

/**
 * One pool file as this JVM has it open: the mapping, this process's participant entry, its
 * reference protocol ({@link SlotReferences}) and, for device size classes, the GPU memory.
 * Every {@code BufferPool} object of the same pool file in this JVM shares one instance
 * ({@link OpenFiles}): file locks are per JVM, so one process is one participant.
 *
 * <p>Thread-safe. The reference paths are lock-free; reclaim and leaving are serialised on this
 * object because they hold participant locks while they work.
 */
public final class MappedPool extends OpenFiles.Entry implements BufferPins {
    /** Open-or-create tries again this often when a racing process creates and deletes the pool under it. */
    private static final int OPEN_OR_CREATE_ATTEMPTS = 100;
    /** Automatic reclaim on exhaustion runs at most this often per process (it costs syscalls). */
    private static final long AUTO_RECLAIM_INTERVAL_NANOS = 1_000_000L;

    private final String name;
    private final MappedFile<PoolLayout> mapped;
    private final PoolLayout layout;
    private final long poolId;
    private final ByteLocks locks;
    private final Participants participants;
    private final FileLock myLock;
    private final int me;
    private final long myBit;
    private final SlotReferences references;
    /** The GPU memory of the device size classes; null when the pool has none. */
    private final DeviceMemory device;
    private final List<Runnable> exhaustionHooks = new CopyOnWriteArrayList<>();
    /** Buffers freed when this process joined: a dead predecessor's in our entry, then every dead one's. */
    private final int reclaimedOnJoin;
    private volatile boolean closed;
    private volatile long lastAutoReclaim;
    /** True while {@link #withOthersLockedOut} runs its work. */
    private boolean lockedOut;

    private MappedPool(String name, MappedFile<PoolLayout> mapped, ByteLocks locks, DeviceMemory created) {
        this.name = name;
        this.mapped = mapped;
        this.layout = mapped.layout();
        MemorySegment file = mapped.segment();
        this.poolId = file.get(ValueLayout.JAVA_LONG, PoolHeaderDescriptor.POOL_ID_OFFSET);
        this.locks = locks;
        this.participants = new Participants(file, layout, locks);
        Participants.Claim claim = participants.claim(name);
        this.me = claim.index();
        this.myBit = 1L << me;
        this.myLock = claim.lock();
        this.references = new SlotReferences(name, file, layout, myBit);
        this.device = created != null || !layout.hasDeviceClasses() ? created
            : DeviceProviders.provider().open(new PoolDeviceRecords(name, file, layout, poolId));
        // Whatever bits of this entry remain belong to no live process (we hold its lock): a dead
        // predecessor's references, or a leftover of one that left while threads still raced it.
        int freed = participants.sweep(references.slots(), myBit);
        ProcessHandle self = ProcessHandle.current();
        participants.activate(me, self.pid(), self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
        this.reclaimedOnJoin = freed + reclaim(); // reclaim on open
    }

    // ---------------------------------------------------------------- lifecycle

    /** Creates a pool file and joins it; {@code PoolExistsException} if it is there. */
    public static MappedPool create(String name, PoolConfig config) {
        return create(name, config.directory(), config);
    }

    /**
     * This JVM's instance of the pool {@code name} in {@code directory}: opened if it exists with
     * the layout {@code config} describes ({@code IncompatibleLayoutException} naming what differs
     * otherwise), created if it does not. Processes racing to do this all end up with the one
     * pool: exactly one creates it ({@code O_EXCL}), the others open what it made.
     */
    public static MappedPool openOrCreate(String name, Path directory, PoolConfig config) {
        PoolLayout wanted = PoolLayout.of(config);
        for (int attempt = 0; ; attempt++) {
            try {
                MappedPool pool = open(name, directory);
                List<String> differences = pool.layout.differences(wanted);
                if (!differences.isEmpty()) {
                    pool.release();
                    throw new IncompatibleLayoutException("pool '" + name + "' exists with another layout: "
                        + String.join("; ", differences) + ": open it with its own layout (BufferPool.open), or "
                        + "delete it (BufferPool.delete or `xmem rm " + name + "`) to make the new one");
                }
                return pool;
            } catch (PoolNotFoundException absent) {
                try {
                    return create(name, directory, config);
                } catch (PoolExistsException raced) {
                    if (attempt > OPEN_OR_CREATE_ATTEMPTS) { // made and deleted again and again under us
                        throw raced;
                    }
                }
            }
        }
    }

    private static MappedPool create(String name, Path directory, PoolConfig config) {
        PoolLayout layout = PoolLayout.of(config);
        if (config.hugePages()) {
            HugePages.require(directory, name);
        }
        long poolId = ThreadLocalRandom.current().nextLong();
        DeviceMemory[] created = new DeviceMemory[1];
        MappedFile<PoolLayout> mapped = SharedFile.create(PoolFiles.FORMAT, directory, name,
            config.permissions(), layout.fileLength, PoolFiles.flags(config), layout, file -> {
                layout.writeTo(file, poolId, ProcessHandle.current().pid(), System.currentTimeMillis());
                if (layout.hasDeviceClasses()) { // before READY: an opener never sees a device class without handles
                    created[0] = DeviceProviders.provider()
                        .allocate(new PoolDeviceRecords(name, file, layout, poolId), config.deviceOrdinal());
                }
            });
        return OpenFiles.created(PoolFiles.FORMAT, directory, name, () -> join(name, mapped, directory, created[0]));
    }

    /** This JVM's instance of an existing pool, joining it if this JVM has not yet. */
    public static MappedPool open(String name, Path directory) {
        return OpenFiles.open(PoolFiles.FORMAT, directory, name, MappedPool.class,
            () -> join(name, SharedFile.open(PoolFiles.FORMAT, directory, name, false, PoolLayout::read), directory,
                null));
    }

    private static MappedPool join(String name, MappedFile<PoolLayout> mapped, Path directory, DeviceMemory created) {
        ByteLocks locks = null;
        try {
            if (mapped.layout().prefault) {
                prefault(mapped);
            }
            locks = ByteLocks.open(PoolFiles.lockPath(directory, name), PoolFiles.permissions(mapped.path()));
            return new MappedPool(name, mapped, locks, created);
        } catch (RuntimeException | Error e) {
            if (locks != null) {
                locks.close();
            }
            mapped.close();
            throw e;
        }
    }

    /**
     * Maps every data page now ({@code FLAG_PREFAULT}): the JDK reads a byte of each page of the
     * mapping, so no buffer's first touch faults later. Device classes hold handle records here,
     * not their memory: those pages are few.
     */
    private static void prefault(MappedFile<PoolLayout> mapped) {
        PoolLayout layout = mapped.layout();
        mapped.segment().asSlice(layout.dataOffset, layout.dataLength).load();
    }

    /** One {@code BufferPool} object of this pool closed; the last one leaves the pool. */
    public void release() {
        OpenFiles.close(this);
    }

    @Override
    public ByteLocks locks() {
        return locks;
    }

    /**
     * Leaves the pool: drops every reference this process still holds, frees the participant
     * entry and unmaps. Called when the last BufferPool object of the pool in this JVM closes.
     *
     * <p>Threads of this process may still be inside an acquire or attach (a shutdown that does
     * not wait for its workers). So the mapping they use is closed first (closing a shared arena
     * hands off with every thread: afterwards none can touch it, an access in flight fails),
     * and only then, through a fresh mapping of the same file, is this process's bit cleared
     * from every slot and the entry's lock released. No late CAS can set the bit again.
     */
    @Override
    protected synchronized void closeLast() {
        if (closed) {
            return;
        }
        closed = true;
        references.close();
        try {
            if (device != null) {
                device.close(participants.othersAlive(me)); // the creator frees it only if nobody else can use it
            }
        } finally {
            leaveHost();
        }
    }

    private void leaveHost() {
        try {
            mapped.arena().close();
        } finally {
            try (Arena cleanup = Arena.ofConfined()) {
                MemorySegment again = mapped.channel().map(FileChannel.MapMode.READ_WRITE, 0, layout.fileLength,
                    cleanup);
                SlotTable table = new SlotTable(again, layout.slotTableOffset);
                for (int slot = 0; slot < layout.slotCount; slot++) {
                    table.clearHolders(slot, myBit);
                }
                new Participants(again, layout, locks).deactivate(me);
            } catch (IOException e) {
                // The bits stay until the next process to take this entry clears them.
                throw new XmemException("pool '" + name + "': cannot map the pool again to leave it cleanly: "
                    + e.getMessage(), e);
            } finally {
                try {
                    ByteLocks.unlock(myLock);
                } finally {
                    locks.close(); // the locks go with it
                    FileIo.closeQuietly(mapped.channel()); // the mapping is gone already
                }
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pool '" + name + "' is closed");
        }
    }

    // ---------------------------------------------------------------- accessors

    public String name() {
        return name;
    }

    public Path path() {
        return mapped.path();
    }

    public PoolLayout layout() {
        return layout;
    }

    /** The reference protocol of this pool in this process. */
    public SlotReferences references() {
        return references;
    }

    /** The GPU memory of the device classes; null when the pool has none. */
    public DeviceMemory device() {
        return device;
    }

    /** The index of this process's participant entry (its bit in every holder mask). */
    public int participantIndex() {
        return me;
    }

    public int reclaimedOnJoin() {
        return reclaimedOnJoin;
    }

    // ---------------------------------------------------------------- acquire

    /** The smallest host size class whose buffers hold {@code size} bytes, or -1. */
    public int sizeClassFor(long size) {
        return smallestFitting(size, 0, layout.firstDeviceClass);
    }

    /** The smallest device size class whose buffers hold {@code size} bytes, or -1. */
    public int deviceSizeClassFor(long size) {
        return smallestFitting(size, layout.firstDeviceClass, layout.sizeClassCount());
    }

    private int smallestFitting(long size, int from, int to) {
        for (int c = from; c < to; c++) {
            if (layout.bufferSize[c] >= size) {
                return c;
            }
        }
        return -1;
    }

    /**
     * Claims a free slot of {@code sizeClass} for this process with one handle, recording
     * {@code length}; when the class is exhausted, first lets the rings of this pool in this JVM
     * drop the pins nobody needs, then reclaims what dead participants held (at most once a
     * millisecond). Returns the token, or -1.
     */
    public long tryClaimOrReclaim(int sizeClass, long length) {
        return tryClaimOrReclaim(sizeClass, length, true);
    }

    /**
     * For a waiter on an exhausted class: between its full tries ({@code full}, which scan the
     * class, run the exhaustion hooks and reclaim), a try at the class's cursor alone, which is
     * where the next slot to come free is announced. No allocation and no scan on that path.
     */
    public long tryClaimOrReclaim(int sizeClass, long length, boolean full) {
        if (!full) {
            return references.tryClaimAtCursor(sizeClass, length);
        }
        long token = references.tryClaim(sizeClass, length);
        if (token != -1) {
            return token;
        }
        if (!exhaustionHooks.isEmpty()) {
            exhaustionHooks.forEach(Runnable::run);
            token = references.tryClaim(sizeClass, length);
            if (token != -1) {
                return token;
            }
        }
        long now = System.nanoTime();
        if (now - lastAutoReclaim < AUTO_RECLAIM_INTERVAL_NANOS) {
            return -1;
        }
        lastAutoReclaim = now;
        return reclaim() > 0 ? references.tryClaim(sizeClass, length) : -1;
    }

    // ---------------------------------------------------------------- pin recount

    /** What {@link #correctPins} did. */
    public record PinCorrection(int slotsChecked, int pinsDropped, int buffersFreed, List<String> problems) {
    }

    /**
     * Runs {@code work} while no other process can be in the pool: dead participants' references
     * are reclaimed first, then the lock byte of every other participant entry is taken (a
     * joining process waits for one, so none can join meanwhile). False, and {@code work} not run,
     * when another participant is alive. Whether this JVM is itself quiet is the caller's affair.
     */
    public synchronized boolean withOthersLockedOut(Runnable work) {
        ensureOpen();
        participants.reclaim(references.slots(), me);
        List<FileLock> taken = participants.lockAllBut(me);
        if (taken == null) {
            return false;
        }
        try {
            lockedOut = true;
            work.run();
            return true;
        } finally {
            lockedOut = false;
            taken.forEach(ByteLocks::unlock);
        }
    }

    /**
     * Brings every slot's pin count down to what the rings of the pool say it should be, inside
     * {@link #withOthersLockedOut}: {@code tokens[0..n)} are the tokens of every reference record
     * that still owns a pin (from each ring's release position to its last committed record). A slot
     * no process holds with more pins than records naming its current generation lost a pin drop to
     * a death (a releaser killed between its CAS and its unpins, a publisher killed between its pin
     * and its commit): the extra pins are dropped, in one CAS, and the buffer freed if that was all.
     * A slot with fewer pins than records, or a token of another incarnation, is damage: reported,
     * nothing changed.
     */
    public PinCorrection correctPins(long[] tokens, int n) {
        if (!lockedOut) {
            throw new IllegalStateException("pins are recounted only with every other participant locked out");
        }
        int[] expected = new int[layout.slotCount];
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int slot = SlotDescriptor.tokenSlot(tokens[i]);
            long generation = SlotDescriptor.tokenGeneration(tokens[i]);
            if (slot >= layout.slotCount || references.slots().generationAcquire(slot) != generation) {
                problems.add("a record names token 0x" + Long.toHexString(tokens[i]) + ", not a live buffer");
                continue;
            }
            expected[slot]++;
        }
        int dropped = 0;
        int freed = 0;
        for (int slot = 0; slot < layout.slotCount; slot++) {
            long state = references.slots().stateVolatile(slot);
            int pins = SlotDescriptor.pins(state);
            if (SlotDescriptor.holders(state) != 0 || pins == expected[slot]) {
                continue; // held by this process (so not idle), or right
            }
            if (pins < expected[slot]) {
                problems.add("slot " + slot + " has " + pins + " pins for " + expected[slot] + " records");
                continue;
            }
            long update = state - ((long) (pins - expected[slot]) << SlotDescriptor.PINS_SHIFT);
            if (references.slots().casState(slot, state, update)) {
                dropped += pins - expected[slot];
                if (!SlotDescriptor.inUse(update)) {
                    references.freed(slot, layout.sizeClassOf(slot));
                    freed++;
                }
            }
        }
        return new PinCorrection(layout.slotCount, dropped, freed, List.copyOf(problems));
    }

    /** Whether a ring of this pool is open in this JVM (its exhaustion hook is registered). */
    public boolean hasRingsOpenHere() {
        return !exhaustionHooks.isEmpty();
    }

    // ---------------------------------------------------------------- liveness

    /** Frees the references of every dead participant (their lock is free); returns how many buffers that freed. */
    public synchronized int reclaim() {
        ensureOpen();
        return participants.reclaim(references.slots(), me);
    }

    /** Per class: how many slots no participant holds and no pin keeps. */
    public int[] freeCounts() {
        int[] free = new int[layout.sizeClassCount()];
        for (int c = 0; c < free.length; c++) {
            for (int s = layout.firstSlot[c]; s < layout.firstSlot[c] + layout.count[c]; s++) {
                if (!SlotDescriptor.inUse(references.slotState(s))) {
                    free[c]++;
                }
            }
        }
        return free;
    }

    /** One row per participant entry in use, with liveness probed. */
    public List<Participants.Row> participantRows() {
        ensureOpen();
        return participants.rows(references.slots(), me);
    }

    // ---------------------------------------------------------------- BufferPins: the ring's seam

    @Override
    public String poolName() {
        return name;
    }

    @Override
    public long poolId() {
        return poolId;
    }

    @Override
    public long heldLength(long token) {
        return references.heldLength(token);
    }

    @Override
    public boolean pin(long token) {
        return references.pin(token);
    }

    @Override
    public int pinInPlaceOfLastReference(long token) {
        return references.pinInPlaceOfLastReference(token);
    }

    @Override
    public boolean unpin(long token) {
        return references.unpin(token);
    }

    @Override
    public boolean isDeviceToken(long token) {
        return layout.isDeviceSlot(tokenSlot(token));
    }

    @Override
    public int sizeClassOfToken(long token) {
        return references.sizeClassOfToken(token);
    }

    @Override
    public boolean isDeviceClass(int sizeClass) {
        return layout.device[sizeClass];
    }

    @Override
    public long pinnedLength(long token, int sizeClass) {
        return references.pinnedLength(token, sizeClass);
    }

    @Override
    public long bufferOffset(long token, int sizeClass) {
        return layout.bufferOffset(tokenSlot(token), sizeClass);
    }

    @Override
    public MemorySegment memory() {
        return references.memory();
    }

    @Override
    public void addExhaustionHook(Runnable hook) {
        exhaustionHooks.add(hook);
    }

    @Override
    public void removeExhaustionHook(Runnable hook) {
        exhaustionHooks.remove(hook);
    }
}
