package io.xmem.pool.internal;

import io.xmem.pool.CorruptPoolException;
import io.xmem.pool.StaleTokenException;
import io.xmem.pool.XmemException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.xmem.pool.internal.SlotDescriptor.*;

/**
 * One pool as seen by this JVM: the mapping, this process's participant entry and its local
 * reference counts. Every {@code BufferPool} object of the same pool file in this JVM shares
 * one instance (file locks are per JVM, so one process is one participant).
 *
 * <p>Thread-safe. The reference paths are lock-free; reclaim and close are serialised on this
 * object because they probe the shared lock channel.
 */
public final class SharedPool {
    /** Automatic reclaim on exhaustion runs at most this often per process (it costs syscalls). */
    private static final long AUTO_RECLAIM_INTERVAL_NANOS = 1_000_000L;

    public final String name;
    public final Path path;
    public final Object fileKey;
    public final PoolLayout layout;
    private final PoolFiles.Mapped mapped;
    private final MemorySegment file;
    private final SlotTable slots;
    private final LocalRefs refs;
    private final FileChannel lockChannel;
    private final Participants participants;
    private final FileLock myLock;
    private final FreeList freeList;
    /** The GPU side of the device size classes; null when the pool has none. */
    public final DeviceSlots deviceSlots;
    private final java.util.List<Runnable> exhaustionHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The pool's random id from its header: tells a recreated pool of the same name apart. */
    public final long poolId;
    public final int me;
    private final long myBit;

    /** BufferPool objects open on this instance; guarded by {@link PoolRegistry}. */
    int openCount;
    private volatile boolean closed;
    private volatile long lastAutoReclaim;
    /** Buffers freed when this process joined: a dead predecessor's in our entry, then every dead one's. */
    public final int reclaimedOnJoin;

    SharedPool(String name, Path path, Object fileKey, PoolFiles.Mapped mapped, FileChannel lockChannel) {
        this.name = name;
        this.path = path;
        this.fileKey = fileKey;
        this.mapped = mapped;
        this.file = mapped.file();
        this.layout = mapped.layout();
        this.poolId = file.get(java.lang.foreign.ValueLayout.JAVA_LONG, PoolHeaderDescriptor.POOL_ID_OFFSET);
        this.slots = new SlotTable(file, layout.slotTableOffset);
        this.refs = new LocalRefs(layout.slotCount);
        this.lockChannel = lockChannel;
        this.participants = new Participants(file, layout, lockChannel);
        Participants.Claim claim = participants.claim(name);
        this.me = claim.index();
        this.myBit = 1L << me;
        this.freeList = new FreeList(file, layout, slots, refs, myBit);
        this.myLock = claim.lock();
        this.deviceSlots = layout.hasDeviceClasses() ? new DeviceSlots(name, file, layout, poolId) : null;
        // Whatever bits of this entry remain belong to no live process (we hold its lock): a dead
        // predecessor's references, or a leftover of one that left while threads still raced it.
        int freed = sweep(myBit);
        ProcessHandle self = ProcessHandle.current();
        participants.activate(me, self.pid(),
            self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L));
        this.reclaimedOnJoin = freed + reclaim(); // reclaim on open
    }

    public boolean isClosed() {
        return closed;
    }

    public MemorySegment file() {
        return file;
    }

    public boolean zeroOnAcquire() {
        return layout.zeroOnAcquire;
    }

    /** The smallest host size class whose buffers hold {@code size} bytes, or -1. */
    public int sizeClassFor(long size) {
        return smallestFitting(size, 0, layout.firstDeviceClass);
    }

    /** The smallest device size class whose buffers hold {@code size} bytes, or -1. */
    public int deviceSizeClassFor(long size) {
        return smallestFitting(size, layout.firstDeviceClass, layout.sizeClassCount());
    }

    private int smallestFitting(long size, int from, int to) {
        long[] sizes = layout.bufferSize;
        for (int c = from; c < to; c++) {
            if (sizes[c] >= size) {
                return c;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- acquire

    /**
     * Claims a free slot of {@code sizeClass} for this process with one handle, recording
     * {@code length}; returns its token, or -1 when every slot of the class is held.
     */
    public long tryClaim(int sizeClass, long length) {
        ensureOpen();
        return freeList.claim(sizeClass, length);
    }

    /**
     * Registers work to run when an acquire finds a class exhausted, before it gives up: a ring
     * releasing pins nobody needs any more. Runs on the acquiring thread; must be cheap.
     */
    public void addExhaustionHook(Runnable hook) {
        exhaustionHooks.add(hook);
    }

    public void removeExhaustionHook(Runnable hook) {
        exhaustionHooks.remove(hook);
    }

    /** Like {@link #tryClaim}, reclaiming dead participants' buffers first if it finds none. */
    public long tryClaimOrReclaim(int sizeClass, long length) {
        long token = tryClaim(sizeClass, length);
        if (token != -1) {
            return token;
        }
        if (!exhaustionHooks.isEmpty()) {
            // Rings of this pool open in this JVM drop the pins of records every subscriber has
            // passed (their subscribers may not have looked back yet), then we try again.
            exhaustionHooks.forEach(Runnable::run);
            token = tryClaim(sizeClass, length);
            if (token != -1) {
                return token;
            }
        }
        long now = System.nanoTime();
        if (now - lastAutoReclaim < AUTO_RECLAIM_INTERVAL_NANOS) {
            return -1;
        }
        lastAutoReclaim = now;
        return reclaim() > 0 ? tryClaim(sizeClass, length) : -1;
    }

    // ---------------------------------------------------------------- references

    /** Adds a handle to a slot this process already holds (the caller owns a handle). */
    public void retain(int slot, long generation) {
        while (true) {
            long word = refs.get(slot);
            if (word == LocalRefs.TRANSITION) {
                Thread.onSpinWait();
                continue;
            }
            long count = LocalRefs.count(word);
            if (count == 0 || !LocalRefs.sameGeneration(word, generation)) {
                throw new IllegalStateException("buffer already closed: retain() needs an open handle");
            }
            if (count == 0xFFFF_FFFFL) {
                throw new XmemException("more than 2^32-1 handles on one buffer in this process");
            }
            if (refs.cas(slot, word, word + 1)) {
                return;
            }
        }
    }

    /**
     * Drops one handle; the last handle in this process drops the process's holder bit. The
     * common case, another handle still open here, is one CAS on process memory.
     */
    public void release(int slot, long generation, int sizeClass) {
        long word = refs.get(slot);
        if (LocalRefs.count(word) > 1 && LocalRefs.sameGeneration(word, generation) && refs.cas(slot, word, word - 1)) {
            return;
        }
        releaseSlow(slot, generation, sizeClass);
    }

    private void releaseSlow(int slot, long generation, int sizeClass) {
        while (true) {
            long word = refs.get(slot);
            if (word == LocalRefs.TRANSITION) {
                Thread.onSpinWait();
                continue;
            }
            long count = LocalRefs.count(word);
            if (count == 0 || !LocalRefs.sameGeneration(word, generation)) {
                throw new IllegalStateException("buffer released more times than it was retained");
            }
            if (count > 1) {
                if (refs.cas(slot, word, word - 1)) {
                    return;
                }
                continue;
            }
            if (refs.cas(slot, word, LocalRefs.TRANSITION)) {
                try {
                    releaseShared(slot, sizeClass);
                } finally {
                    refs.set(slot, 0);
                }
                return;
            }
        }
    }

    private void releaseShared(int slot, int sizeClass) {
        long left = slots.clearHolders(slot, myBit);
        if (left == -1) {
            throw new CorruptPoolException("pool '" + name + "': slot " + slot + " lost this process's holder bit "
                + "while it held the buffer; another process wrote the slot table");
        }
        if (left == 0) {
            freeList.freed(slot, sizeClass);
        }
    }

    /**
     * Takes a handle on the buffer a token names. Returns the slot's recorded length, after
     * checking it; throws {@link StaleTokenException} if the token is no longer live. When this
     * process already holds the buffer, that is one CAS on process memory.
     */
    public long attach(long token, int sizeClass) {
        ensureOpen();
        int slot = tokenSlot(token);
        long generation = tokenGeneration(token);
        long word = refs.get(slot);
        if (LocalRefs.count(word) > 0 && LocalRefs.sameGeneration(word, generation) && refs.cas(slot, word, word + 1)) {
            if (slots.generation(slot) != generation) { // low 31 bits matched, the rest did not
                release(slot, generation, sizeClass);
                throw stale(token);
            }
            return checkedLength(slot, generation, sizeClass);
        }
        return attachSlow(token, slot, generation, sizeClass);
    }

    /**
     * The length recorded for a buffer this process holds a reference to under {@code token};
     * {@link IllegalStateException} if it holds none.
     */
    public long heldLength(long token) {
        int slot = tokenSlot(token);
        if (slot >= layout.slotCount) {
            throw new IllegalStateException("token 0x" + Long.toHexString(token) + " is not a token of pool '" + name + "'");
        }
        long word = refs.get(slot);
        if (LocalRefs.count(word) == 0 || !LocalRefs.sameGeneration(word, tokenGeneration(token))) {
            throw new IllegalStateException("this process holds no reference to token 0x" + Long.toHexString(token));
        }
        return slots.length(slot);
    }

    /**
     * Adds a pin to the buffer {@code token} names: a reference owned by a shared structure
     * (a ring record) instead of a process, which outlives every process and ends only with
     * {@link #unpin}. This process must hold a reference to the token (so its incarnation is
     * fixed). Returns false when the slot already carries the most pins the state word holds
     * (255); the caller reports that as back-pressure.
     */
    public boolean pin(long token) {
        ensureOpen();
        int slot = tokenSlot(token);
        heldLength(token); // throws unless this process holds the token's incarnation
        while (true) {
            long state = slots.state(slot);
            if (pins(state) == PINS_MAX) {
                return false;
            }
            if (slots.casState(slot, state, state + (1L << PINS_SHIFT))) {
                return true;
            }
        }
    }

    /**
     * Drops one pin from the buffer {@code token} names, on behalf of the structure that owns
     * it; any process may call it. Returns true if that freed the buffer. A pin on another
     * incarnation, or none at all, means the owner's records are damaged:
     * {@link CorruptPoolException}, and nothing changes.
     */
    public boolean unpin(long token) {
        ensureOpen();
        int slot = tokenSlot(token);
        long generation = tokenGeneration(token);
        if (slot >= layout.slotCount) {
            throw new CorruptPoolException("pool '" + name + "': unpin of token 0x" + Long.toHexString(token)
                + " names slot " + slot + " of " + layout.slotCount);
        }
        while (true) {
            long state = slots.state(slot);
            // While our pin is on the slot its incarnation cannot change: the generation is stable.
            if (pins(state) == 0 || stateGeneration(state) != (int) (generation & STATE_GENERATION_MASK)
                || slots.generation(slot) != generation) {
                throw new CorruptPoolException("pool '" + name + "': unpin of token 0x" + Long.toHexString(token)
                    + " finds no pin on that buffer; the structure that pinned it is damaged");
            }
            long update = state - (1L << PINS_SHIFT);
            if (slots.casState(slot, state, update)) {
                if (!inUse(update)) {
                    freeList.freed(slot, layout.sizeClassOf(slot));
                    return true;
                }
                return false;
            }
        }
    }

    /**
     * The length of a buffer that a pin keeps alive, for a reader borrowing it without a
     * reference of its own (a ring subscriber inside its callback). Checks that the token names
     * a slot in use in the token's incarnation and that the recorded length fits the buffer;
     * {@link CorruptPoolException} otherwise, since the pin's owner promised it.
     */
    public long pinnedLength(long token, int sizeClass) {
        int slot = tokenSlot(token);
        long generation = tokenGeneration(token);
        long state = slots.state(slot);
        if (!inUse(state) || stateGeneration(state) != (int) (generation & STATE_GENERATION_MASK)
            || slots.generation(slot) != generation) {
            throw new CorruptPoolException("pool '" + name + "': token 0x" + Long.toHexString(token)
                + " should be pinned but its buffer is free or reused; the structure referring to it is damaged");
        }
        long length = slots.length(slot);
        if (length < 0 || length > layout.bufferSize[sizeClass]) {
            throw new CorruptPoolException("pool '" + name + "': slot " + slot + " records length " + length
                + " for a buffer of " + layout.bufferSize[sizeClass] + " bytes; another process wrote the slot table");
        }
        return length;
    }

    /** The size class of the slot a token names; {@link StaleTokenException} if out of range. */
    public int sizeClassOfToken(long token) {
        int slot = tokenSlot(token);
        if (slot >= layout.slotCount) {
            throw new StaleTokenException("token 0x" + Long.toHexString(token) + " names slot " + slot + " but pool '"
                + name + "' has " + layout.slotCount + ": it is not a token of this pool");
        }
        return layout.sizeClassOf(slot);
    }

    private long attachSlow(long token, int slot, long generation, int sizeClass) {
        while (true) {
            long word = refs.get(slot);
            if (word == LocalRefs.TRANSITION) {
                Thread.onSpinWait();
                continue;
            }
            if (LocalRefs.count(word) > 0) {
                if (!LocalRefs.sameGeneration(word, generation)) {
                    throw stale(token);
                }
                if (!refs.cas(slot, word, word + 1)) {
                    continue;
                }
                if (slots.generation(slot) != generation) {
                    release(slot, generation, sizeClass);
                    throw stale(token);
                }
                return checkedLength(slot, generation, sizeClass);
            }
            if (!refs.cas(slot, word, LocalRefs.TRANSITION)) {
                continue;
            }
            boolean attached = false;
            try {
                attachShared(slot, generation, token, sizeClass);
                attached = true;
            } finally {
                refs.set(slot, attached ? LocalRefs.word(generation, 1) : 0);
            }
            return checkedLength(slot, generation, sizeClass);
        }
    }

    private void attachShared(int slot, long generation, long token, int sizeClass) {
        if (slots.generation(slot) != generation) {
            throw stale(token);
        }
        while (true) {
            long state = slots.state(slot);
            if (!inUse(state) || stateGeneration(state) != (int) (generation & STATE_GENERATION_MASK)) {
                throw stale(token);
            }
            if ((state & myBit) != 0) {
                throw new CorruptPoolException("pool '" + name + "': slot " + slot + " carries this process's holder "
                    + "bit although it holds no handle; another process wrote the slot table");
            }
            if (slots.casState(slot, state, state | myBit)) {
                break;
            }
        }
        // Our bit now pins the incarnation; confirm it is the token's.
        if (slots.generation(slot) != generation) {
            releaseShared(slot, sizeClass);
            throw stale(token);
        }
    }

    private long checkedLength(int slot, long generation, int sizeClass) {
        long length = slots.length(slot);
        long capacity = layout.bufferSize[sizeClass];
        if (length < 0 || length > capacity) {
            release(slot, generation, sizeClass);
            throw new CorruptPoolException("pool '" + name + "': slot " + slot + " records length " + length
                + " for a buffer of " + capacity + " bytes; another process wrote the slot table");
        }
        return length;
    }

    private StaleTokenException stale(long token) {
        return new StaleTokenException("token 0x" + Long.toHexString(token) + " of pool '" + name + "' is stale: its "
            + "buffer was released by every holder and may have been reused; keep a reference (retain/attach) for "
            + "as long as a token must stay valid");
    }

    /** The slot's shared state word (generation low bits and holder mask); for diagnostics and tests. */
    public long slotState(int slot) {
        return slots.state(slot);
    }

    /** The bit of this process's participant entry in every holder mask. */
    public long participantBit() {
        return myBit;
    }

    /** Where the buffer of {@code slot}, of class {@code sizeClass}, starts in the file. */
    public long bufferOffset(int slot, int sizeClass) {
        return layout.classDataOffset[sizeClass] + (long) (slot - layout.firstSlot[sizeClass]) * layout.stride[sizeClass];
    }

    // ---------------------------------------------------------------- reclaim

    /**
     * Frees the references of every dead participant (their lock is free) and returns how
     * many buffers became free.
     */
    public synchronized int reclaim() {
        ensureOpen();
        List<FileLock> dead = new ArrayList<>();
        long deadBits = 0;
        long present = 0; // bits set anywhere: an EMPTY entry with bits left over is a candidate too
        for (int slot = 0; slot < layout.slotCount; slot++) {
            present |= holders(slots.state(slot));
        }
        try {
            for (int i = 0; i < participants.capacity(); i++) {
                if (i == me || (participants.state(i) == ParticipantDescriptor.STATE_EMPTY && (present & (1L << i)) == 0)) {
                    continue;
                }
                FileLock lock = participants.tryLock(i, false);
                if (lock != null) {
                    dead.add(lock);
                    deadBits |= 1L << i;
                }
            }
            int freed = deadBits == 0 ? 0 : sweep(deadBits);
            for (FileLock lock : dead) {
                participants.deactivate((int) lock.position());
            }
            return freed;
        } finally {
            dead.forEach(Participants::unlock);
        }
    }

    /** Clears {@code bits} in every slot; returns how many slots that freed. */
    private int sweep(long bits) {
        int freed = 0;
        for (int slot = 0; slot < layout.slotCount; slot++) {
            if (slots.clearHolders(slot, bits) == 0) {
                freed++;
            }
        }
        return freed;
    }

    // ---------------------------------------------------------------- stats

    /** Per class: {total, free}; free counts slots no participant holds. */
    public int[] freeCounts() {
        int[] free = new int[layout.sizeClassCount()];
        for (int c = 0; c < free.length; c++) {
            for (int s = layout.firstSlot[c]; s < layout.firstSlot[c] + layout.count[c]; s++) {
                if (!inUse(slots.state(s))) {
                    free[c]++;
                }
            }
        }
        return free;
    }

    /** One row per participant entry in use. */
    public record ParticipantRow(int index, long pid, long startMillis, boolean alive, boolean self, int buffersHeld) {
    }

    public synchronized List<ParticipantRow> participantRows() {
        ensureOpen();
        int[] held = new int[participants.capacity()];
        for (int s = 0; s < layout.slotCount; s++) {
            long h = holders(slots.state(s));
            while (h != 0) {
                int bit = Long.numberOfTrailingZeros(h);
                if (bit < held.length) {
                    held[bit]++;
                }
                h &= h - 1;
            }
        }
        List<ParticipantRow> rows = new ArrayList<>();
        for (int i = 0; i < participants.capacity(); i++) {
            boolean self = i == me;
            if (!self && participants.state(i) == ParticipantDescriptor.STATE_EMPTY && held[i] == 0) {
                continue;
            }
            boolean alive = self;
            if (!self) {
                FileLock probe = participants.tryLock(i, true);
                alive = probe == null;
                if (probe != null) {
                    Participants.unlock(probe);
                }
            }
            rows.add(new ParticipantRow(i, participants.pid(i), participants.startMillis(i), alive, self, held[i]));
        }
        return rows;
    }

    // ---------------------------------------------------------------- close

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pool '" + name + "' is closed");
        }
    }

    /**
     * Leaves the pool: drops every reference this process still holds, frees the participant
     * entry and unmaps. Called by the registry when the last BufferPool object closes.
     *
     * <p>Threads of this process may still be inside an acquire or attach (a shutdown that does
     * not wait for its workers). So the mapping they use is closed first (closing a shared arena
     * hands off with every thread: afterwards none can touch it, an access in flight fails),
     * and only then, through a fresh mapping of the same file, is this process's bit cleared
     * from every slot and the entry's lock released. No late CAS can set the bit again.
     */
    synchronized void leave() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (deviceSlots != null) {
                // The creator frees the device memory only if nobody else can be using it.
                deviceSlots.close(othersAlive());
            }
        } finally {
            leaveHost();
        }
    }

    private boolean othersAlive() {
        for (int i = 0; i < participants.capacity(); i++) {
            if (i == me || participants.state(i) == ParticipantDescriptor.STATE_EMPTY) {
                continue;
            }
            FileLock probe = participants.tryLock(i, true);
            if (probe == null) {
                return true;
            }
            Participants.unlock(probe);
        }
        return false;
    }

    private void leaveHost() {
        try {
            mapped.arena().close();
        } finally {
            try (Arena cleanup = Arena.ofConfined()) {
                MemorySegment again = mapped.channel().map(FileChannel.MapMode.READ_WRITE, 0, layout.fileLength, cleanup);
                SlotTable table = new SlotTable(again, layout.slotTableOffset);
                for (int slot = 0; slot < layout.slotCount; slot++) {
                    table.clearHolders(slot, myBit);
                }
                new Participants(again, layout, lockChannel).deactivate(me);
            } catch (IOException e) {
                // The bits stay until the next process to take this entry clears them.
                throw new XmemException("pool '" + name + "': cannot map the pool again to leave it cleanly: "
                    + e.getMessage(), e);
            } finally {
                try {
                    Participants.unlock(myLock);
                } finally {
                    FileIo.closeQuietly(lockChannel); // the locks go with it
                    FileIo.closeQuietly(mapped.channel());
                }
            }
        }
    }

}
