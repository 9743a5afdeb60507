package io.xmem.pool.internal;

import io.xmem.pool.CorruptPoolException;
import io.xmem.pool.StaleTokenException;
import io.xmem.pool.XmemException;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.xmem.pool.internal.SlotDescriptor.*;

/**
 * The reference protocol of one pool as this process runs it (see {@link SlotDescriptor}):
 * claiming, attaching, retaining and releasing references, and pinning. Counts inside the
 * process are {@link LocalRefs} words; the slot's shared state changes only on a 0↔1
 * transition of this process's count, or for a pin. Per-JVM state, shared by every
 * {@code BufferPool} object of the pool in this JVM.
 *
 * <p>Thread-safe and lock-free. The ≥1 paths are one CAS on process memory; the 0↔1 transitions
 * hold the slot's local word at TRANSITION while they change the shared holder bit, so a
 * thread releasing the last handle never races one taking a first handle.
 */
public final class SlotReferences {
    private final String name;
    private final PoolLayout layout;
    private final MemorySegment file;
    private final SlotTable slots;
    private final LocalRefs refs;
    private final SlotAllocator allocator;
    private final long myBit;
    private volatile boolean closed;

    SlotReferences(String name, MemorySegment file, PoolLayout layout, long myBit) {
        this.name = name;
        this.file = file;
        this.layout = layout;
        this.slots = new SlotTable(file, layout.slotTableOffset);
        this.refs = new LocalRefs(layout.slotCount);
        this.allocator = new SlotAllocator(file, layout, slots, refs, myBit);
        this.myBit = myBit;
    }

    SlotTable slots() {
        return slots;
    }

    public PoolLayout layout() {
        return layout;
    }

    /** The whole mapped pool file. */
    public MemorySegment memory() {
        return file;
    }

    public String poolName() {
        return name;
    }

    public boolean isClosed() {
        return closed;
    }

    /** This process left the pool: nothing may touch the mapping through these references any more. */
    void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pool '" + name + "' is closed");
        }
    }

    /**
     * Claims a free slot of {@code sizeClass} for this process with one handle, recording
     * {@code length}; returns its token, or -1 when every slot of the class is held.
     */
    long tryClaim(int sizeClass, long length) {
        ensureOpen();
        return allocator.claim(sizeClass, length);
    }

    /** A slot came free outside the usual release (a pin recount): point its class's cursor at it. */
    void freed(int slot, int sizeClass) {
        allocator.freed(slot, sizeClass);
    }

    /** {@link #tryClaim} at the class's cursor only, no scan: see {@link SlotAllocator#claimAtCursor}. */
    long tryClaimAtCursor(int sizeClass, long length) {
        ensureOpen();
        return allocator.claimAtCursor(sizeClass, length);
    }

    /** Adds a handle to a slot this process already holds (the caller owns a handle). */
    public void retain(int slot, long generation) {
        while (true) {
            long word = refs.getVolatile(slot);
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
        long word = refs.getVolatile(slot);
        if (LocalRefs.count(word) > 1 && LocalRefs.sameGeneration(word, generation) && refs.cas(slot, word, word - 1)) {
            return;
        }
        releaseSlow(slot, generation, sizeClass);
    }

    private void releaseSlow(int slot, long generation, int sizeClass) {
        while (true) {
            long word = refs.getVolatile(slot);
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
                    refs.setRelease(slot, 0);
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
            allocator.freed(slot, sizeClass);
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
        long word = refs.getVolatile(slot);
        if (LocalRefs.count(word) > 0 && LocalRefs.sameGeneration(word, generation) && refs.cas(slot, word, word + 1)) {
            if (slots.generationAcquire(slot) != generation) { // low 31 bits matched, the rest did not
                release(slot, generation, sizeClass);
                throw stale(token);
            }
            return checkedLength(slot, generation, sizeClass);
        }
        return attachSlow(token, slot, generation, sizeClass);
    }

    private long attachSlow(long token, int slot, long generation, int sizeClass) {
        while (true) {
            long word = refs.getVolatile(slot);
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
                if (slots.generationAcquire(slot) != generation) {
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
                refs.setRelease(slot, attached ? LocalRefs.word(generation, 1) : 0);
            }
            return checkedLength(slot, generation, sizeClass);
        }
    }

    private void attachShared(int slot, long generation, long token, int sizeClass) {
        if (slots.generationAcquire(slot) != generation) {
            throw stale(token);
        }
        while (true) {
            long state = slots.stateVolatile(slot);
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
        if (slots.generationAcquire(slot) != generation) {
            releaseShared(slot, sizeClass);
            throw stale(token);
        }
    }

    private long checkedLength(int slot, long generation, int sizeClass) {
        long length = slots.lengthPlain(slot);
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

    /**
     * The length recorded for a buffer this process holds a reference to under {@code token};
     * {@link IllegalStateException} if it holds none.
     */
    public long heldLength(long token) {
        int slot = tokenSlot(token);
        if (slot >= layout.slotCount) {
            throw new IllegalStateException("token 0x" + Long.toHexString(token) + " is not a token of pool '" + name
                + "'");
        }
        long word = refs.getVolatile(slot);
        if (LocalRefs.count(word) == 0 || !LocalRefs.sameGeneration(word, tokenGeneration(token))) {
            throw new IllegalStateException("this process holds no reference to token 0x" + Long.toHexString(token));
        }
        return slots.lengthPlain(slot);
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
            long state = slots.stateVolatile(slot);
            if (pins(state) == PINS_MAX) {
                return false;
            }
            if (slots.casState(slot, state, state + (1L << PINS_SHIFT))) {
                return true;
            }
        }
    }

    /**
     * Turns this process's reference to the buffer {@code token} names into a pin, when the
     * caller's handle is the last one here: one CAS on the slot's state word clears this process's
     * holder bit and adds the pin, so the buffer is never without an owner and never freed in
     * between. Returns {@link BufferPins#PINNED_IN_PLACE} (the handle's reference is gone: the
     * caller must end the handle without releasing), {@link BufferPins#PIN_LIMIT} (255 pins
     * already; nothing changed) or {@link BufferPins#NOT_LAST} (other handles here, or another
     * thread moving the count: nothing changed; pin and close as usual).
     */
    public int pinInPlaceOfLastReference(long token) {
        ensureOpen();
        int slot = tokenSlot(token);
        long generation = tokenGeneration(token);
        long word = refs.getVolatile(slot);
        if (LocalRefs.count(word) != 1 || !LocalRefs.sameGeneration(word, generation)
            || !refs.cas(slot, word, LocalRefs.TRANSITION)) {
            return BufferPins.NOT_LAST;
        }
        // TRANSITION: no thread of this process can take or drop a handle on the slot meanwhile.
        while (true) {
            long state = slots.stateVolatile(slot);
            if ((state & myBit) == 0) {
                refs.setRelease(slot, word);
                throw new CorruptPoolException("pool '" + name + "': slot " + slot + " lost this process's holder bit "
                    + "while it held the buffer; another process wrote the slot table");
            }
            if (pins(state) == PINS_MAX) {
                refs.setRelease(slot, word);
                return BufferPins.PIN_LIMIT;
            }
            if (slots.casState(slot, state, (state & ~myBit) + (1L << PINS_SHIFT))) {
                refs.setRelease(slot, 0);
                return BufferPins.PINNED_IN_PLACE;
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
            long state = slots.stateVolatile(slot);
            // While our pin is on the slot its incarnation cannot change: the generation is stable.
            if (pins(state) == 0 || stateGeneration(state) != (int) (generation & STATE_GENERATION_MASK)
                || slots.generationAcquire(slot) != generation) {
                throw new CorruptPoolException("pool '" + name + "': unpin of token 0x" + Long.toHexString(token)
                    + " finds no pin on that buffer; the structure that pinned it is damaged");
            }
            long update = state - (1L << PINS_SHIFT);
            if (slots.casState(slot, state, update)) {
                if (!inUse(update)) {
                    allocator.freed(slot, layout.sizeClassOf(slot));
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
        long state = slots.stateVolatile(slot);
        if (!inUse(state) || stateGeneration(state) != (int) (generation & STATE_GENERATION_MASK)
            || slots.generationAcquire(slot) != generation) {
            throw new CorruptPoolException("pool '" + name + "': token 0x" + Long.toHexString(token)
                + " should be pinned but its buffer is free or reused; the structure referring to it is damaged");
        }
        long length = slots.lengthPlain(slot);
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

    /**
     * Who else holds the buffer this process holds one handle on (slot and generation of that
     * handle), in words; null when nobody does: no other handle here, no other process's bit,
     * no pin.
     */
    public String othersHolding(int slot, long generation) {
        long word = refs.getVolatile(slot);
        long handles = LocalRefs.sameGeneration(word, generation) ? LocalRefs.count(word) : 0;
        long state = slots.stateVolatile(slot);
        long others = holders(state) & ~myBit;
        int pinned = pins(state);
        if (handles <= 1 && others == 0 && pinned == 0) {
            return null;
        }
        List<String> who = new ArrayList<>();
        if (handles > 1) {
            who.add((handles - 1) + " other handle(s) in this process");
        }
        if (others != 0) {
            who.add(Long.bitCount(others) + " other process(es) (participants " + indexes(others)
                + "; `xmem stat " + name + "` says who)");
        }
        if (pinned > 0) {
            who.add(pinned + " ring record(s) not yet passed by every subscriber");
        }
        return String.join(", ", who);
    }

    private static String indexes(long bits) {
        StringBuilder sb = new StringBuilder();
        for (long b = bits; b != 0; b &= b - 1) {
            sb.append(sb.isEmpty() ? "" : " ").append(Long.numberOfTrailingZeros(b));
        }
        return sb.toString();
    }

    /** The slot's shared state word (generation low bits, pins and holder mask); for diagnostics and tests. */
    public long slotState(int slot) {
        return slots.stateVolatile(slot);
    }
}
