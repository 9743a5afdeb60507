package io.xmem.pool.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.xmem.pool.internal.SlotDescriptor.*;

/**
 * How this process finds and takes a free slot (so, not a free list: there is no list): a slot is free exactly when
 * its holder mask and pin count are zero, and taking it is one CAS on its state word (see
 * {@link SlotDescriptor}), so a process killed at any instant cannot leave a slot half-taken or
 * listed twice. What makes it fast is each class's cursor, a shared hint naming the slot most
 * recently freed: the first slot tried is usually free and still in cache. Only when it is not
 * does the claim walk the class once round.
 *
 * <p>Lock-free: a failed CAS means another participant made progress. ABA-safe: the state
 * word carries the low bits of the generation, which every acquire advances.
 */
final class SlotAllocator {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();

    private final MemorySegment file;
    private final PoolLayout layout;
    private final SlotTable slots;
    private final LocalRefs refs;
    private final long myBit;
    /** File offset of each class's cursor word. */
    private final long[] cursorOffset;

    SlotAllocator(MemorySegment file, PoolLayout layout, SlotTable slots, LocalRefs refs, long myBit) {
        this.file = file;
        this.layout = layout;
        this.slots = slots;
        this.refs = refs;
        this.myBit = myBit;
        this.cursorOffset = new long[layout.sizeClassCount()];
        for (int c = 0; c < cursorOffset.length; c++) {
            cursorOffset[c] = layout.sizeClassOffset(c) + SizeClassDescriptor.CURSOR_OFFSET;
        }
    }

    /**
     * Takes a free slot of {@code sizeClass} for this process with one handle, recording
     * {@code length}; returns its token, or -1 when every slot of the class is held.
     *
     * <p>The fast path tries the one slot the class's cursor names (the last slot released, so
     * usually free and cache-hot); only when that fails does it scan the class. The scan is out
     * of line to keep this small enough for the JIT to inline.
     */
    long claim(int sizeClass, long length) {
        int n = layout.count[sizeClass];
        long hint = cursorOpaque(sizeClass);
        int index = hint >= 0 && hint < n ? (int) hint : 0; // a hint from shared memory: any value is survivable
        long token = claimSlot(layout.firstSlot[sizeClass] + index, length);
        return token != -1 ? token : scan(sizeClass, index, length);
    }

    /**
     * One try at the slot the class's cursor names, without a scan: what a waiter for an
     * exhausted class does between full tries. Every release points the cursor at the slot it
     * freed, so the next slot to come free is found here at the cost of one or two loads; -1
     * otherwise.
     */
    long claimAtCursor(int sizeClass, long length) {
        int n = layout.count[sizeClass];
        long hint = cursorOpaque(sizeClass);
        if (hint < 0 || hint >= n) {
            return -1; // a damaged hint: the waiter's next full try scans
        }
        return claimSlot(layout.firstSlot[sizeClass] + (int) hint, length);
    }

    /** Walks the class from {@code start} once round; leaves the cursor after the slot it took. */
    private long scan(int sizeClass, int start, long length) {
        int n = layout.count[sizeClass];
        int first = layout.firstSlot[sizeClass];
        int index = start;
        for (int tried = 1; tried < n; tried++) {
            if (++index == n) {
                index = 0;
            }
            int slot = first + index;
            if (!inUse(slots.stateVolatile(slot)) && refs.getVolatile(slot) == 0) {
                long token = claimSlot(slot, length);
                if (token != -1) {
                    cursorOpaque(sizeClass, index + 1 == n ? 0 : index + 1);
                    return token;
                }
            }
        }
        return -1;
    }

    /** One attempt at one slot: free → held by this process alone, with a new generation. */
    private long claimSlot(int slot, long length) {
        long state = slots.stateVolatile(slot);
        if (inUse(state) || !refs.cas(slot, 0, LocalRefs.TRANSITION)) {
            return -1;
        }
        long update = SlotDescriptor.state(stateGeneration(state) + 1, myBit);
        if (!slots.casState(slot, state, update)) {
            refs.setRelease(slot, 0);
            return -1;
        }
        // Sole owner of a fresh incarnation: no token for it exists yet.
        long generation = nextGeneration(slots.generationAcquire(slot), stateGeneration(update));
        slots.lengthPlain(slot, length);
        slots.generationRelease(slot, generation);
        refs.setRelease(slot, LocalRefs.word(generation, 1));
        return token(slot, generation);
    }

    /** A slot of {@code sizeClass} became free: point the class's cursor at it. */
    void freed(int slot, int sizeClass) {
        cursorOpaque(sizeClass, slot - layout.firstSlot[sizeClass]);
    }

    /** The cursor is a hint: opaque, since any value (even a stale or damaged one) is safe. */
    private long cursorOpaque(int sizeClass) {
        return (long) LONG.getOpaque(file, cursorOffset[sizeClass]);
    }

    private void cursorOpaque(int sizeClass, long index) {
        LONG.setOpaque(file, cursorOffset[sizeClass], index);
    }
}
