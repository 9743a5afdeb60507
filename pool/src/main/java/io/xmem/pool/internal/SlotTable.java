package io.xmem.pool.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.xmem.pool.internal.SlotDescriptor.*;

/**
 * Flyweight over the slot table of a mapped pool file. Access modes, named in each accessor: the
 * state word is read volatile and changed only by CAS (it carries the reference protocol, see
 * {@link SlotDescriptor}); the generation is stored with release by the sole owner of a fresh
 * incarnation and loaded with acquire by attachers; the length is plain, written by the
 * acquirer before its token leaves the process.
 */
public final class SlotTable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();

    private final MemorySegment file;
    private final long tableOffset;

    public SlotTable(MemorySegment file, long tableOffset) {
        this.file = file;
        this.tableOffset = tableOffset;
    }

    private long line(int slot) {
        return tableOffset + (long) slot * SlotDescriptor.LENGTH;
    }

    public long stateVolatile(int slot) {
        return (long) LONG.getVolatile(file, line(slot) + STATE_OFFSET);
    }

    public boolean casState(int slot, long expected, long update) {
        return (boolean) LONG.compareAndSet(file, line(slot) + STATE_OFFSET, expected, update);
    }

    public long generationAcquire(int slot) {
        return (long) LONG.getAcquire(file, line(slot) + GENERATION_OFFSET);
    }

    public void generationRelease(int slot, long generation) {
        LONG.setRelease(file, line(slot) + GENERATION_OFFSET, generation);
    }

    public long lengthPlain(int slot) {
        return file.get(ValueLayout.JAVA_LONG, line(slot) + LENGTH_OFFSET);
    }

    public void lengthPlain(int slot, long length) {
        file.set(ValueLayout.JAVA_LONG, line(slot) + LENGTH_OFFSET, length);
    }

    /**
     * Clears {@code bits} from the slot's holder mask by CAS; returns the holder and pin bits left
     * (0: the slot is now free), or -1 if none of {@code bits} was set (nothing changed).
     */
    public long clearHolders(int slot, long bits) {
        while (true) {
            long state = stateVolatile(slot);
            if ((state & bits) == 0) {
                return -1;
            }
            long update = state & ~bits;
            if (casState(slot, state, update)) {
                return update & IN_USE_MASK;
            }
        }
    }
}
