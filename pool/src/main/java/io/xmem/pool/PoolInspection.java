package io.xmem.pool;

import io.xmem.pool.internal.MappedPool;
import io.xmem.pool.internal.ParticipantDescriptor;
import io.xmem.pool.internal.Participants;
import io.xmem.pool.internal.PoolFiles;
import io.xmem.pool.internal.PoolHeaderDescriptor;
import io.xmem.pool.internal.PoolLayout;
import io.xmem.pool.internal.SlotDescriptor;
import io.xmem.pool.internal.SlotTable;
import io.xmem.pool.internal.shm.MappedFile;
import io.xmem.pool.internal.shm.OpenFiles;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Looks at a pool without joining it: maps the pool file read-only, validates it as an opener
 * does, and tests each participant's liveness the way reclaim does (a lock on the entry's byte
 * of {@code NAME.pool.lock}) but with a shared lock that it drops at once. Unlike
 * {@link BufferPool#open}, it takes no participant entry and frees nothing, so what a dead
 * process held is still there to be seen; {@link BufferPool#reclaim} (or {@code xmem reclaim})
 * frees it.
 *
 * <pre>{@code
 * PoolSnapshot s = PoolInspection.inspect("frames", Path.of("/dev/shm"));
 * for (PoolSnapshot.Participant p : s.participants()) {
 *     System.out.println(p.pid() + (p.alive() ? " alive " : " dead ") + p.buffersHeld());
 * }
 * }</pre>
 *
 * <p>A probe holds a free entry's byte for a few microseconds; a process joining at that moment
 * retries (see {@code pool/LAYOUT.md}), and a reclaim running at that moment leaves the entry for
 * its next run.
 */
public final class PoolInspection {
    private PoolInspection() {
    }

    /** Inspects a pool in {@code /dev/shm}. */
    public static PoolSnapshot inspect(String name) {
        return inspect(name, PoolConfig.DEFAULT_DIRECTORY);
    }

    /**
     * Inspects the pool {@code name} in {@code directory}. {@link PoolNotFoundException} if absent,
     * {@link IncompatibleLayoutException} if the file is not a valid pool (or not READY within 5 s).
     */
    public static PoolSnapshot inspect(String name, Path directory) {
        MappedFile<PoolLayout> mapped = PoolFiles.openReadOnly(name, directory);
        try {
            // Liveness through this JVM's lock channel of the pool if it has one (its own entry
            // reads as alive), else through a read-only channel of our own.
            return OpenFiles.withLocks(PoolFiles.FORMAT, directory, name, (locks, open) -> snapshot(name, mapped,
                locks::isHeld, open instanceof MappedPool pool ? pool.participantIndex() : -1));
        } finally {
            mapped.close();
        }
    }

    private static PoolSnapshot snapshot(String name, MappedFile<PoolLayout> mapped, IntPredicate alive, int self) {
        PoolLayout layout = mapped.layout();
        MemorySegment file = mapped.segment();
        Path path = mapped.path();
        SlotTable slots = new SlotTable(file, layout.slotTableOffset);
        int entries = layout.maxParticipants;
        long validBits = (1L << entries) - 1; // entries <= 40: PoolLayout.read checked it
        long[] states = new long[layout.slotCount];
        int[] held = new int[entries];
        long marked = 0;
        int corrupt = 0;
        for (int s = 0; s < states.length; s++) {
            long state = slots.stateVolatile(s);
            long holders = SlotDescriptor.holders(state);
            if ((holders & ~validBits) != 0) {
                corrupt++;
                holders &= validBits;
                state = (state & ~SlotDescriptor.HOLDERS_MASK) | holders;
            }
            states[s] = state;
            marked |= holders;
            for (long h = holders; h != 0; h &= h - 1) {
                held[Long.numberOfTrailingZeros(h)]++;
            }
        }
        Participants table = new Participants(file, layout, null);
        List<PoolSnapshot.Participant> participants = new ArrayList<>();
        long deadBits = 0;
        for (int i = 0; i < entries; i++) {
            boolean active = table.stateAcquire(i) == ParticipantDescriptor.STATE_ACTIVE;
            if (!active && (marked & (1L << i)) == 0) {
                continue;
            }
            boolean live = i == self || alive.test(i);
            if (!live) {
                deadBits |= 1L << i;
            }
            participants.add(new PoolSnapshot.Participant(i, active, table.pidPlain(i), table.startMillisPlain(i), live,
                i == self, held[i], table.label(i)));
        }
        List<PoolSnapshot.SizeClass> classes = new ArrayList<>();
        for (int c = 0; c < layout.sizeClassCount(); c++) {
            int free = 0;
            int heldCount = 0;
            int pinned = 0;
            int reclaimable = 0;
            for (int s = layout.firstSlot[c]; s < layout.firstSlot[c] + layout.count[c]; s++) {
                long state = states[s];
                long holders = SlotDescriptor.holders(state);
                boolean pins = SlotDescriptor.pins(state) != 0;
                if (!SlotDescriptor.inUse(state)) {
                    free++;
                }
                if (holders != 0) {
                    heldCount++;
                }
                if (pins) {
                    pinned++;
                }
                if (holders != 0 && !pins && (holders & ~deadBits) == 0) {
                    reclaimable++;
                }
            }
            classes.add(new PoolSnapshot.SizeClass(layout.bufferSize[c], layout.count[c], free, heldCount, pinned,
                reclaimable, layout.device[c]));
        }
        return new PoolSnapshot(name, path, file.get(ValueLayout.JAVA_LONG, PoolHeaderDescriptor.POOL_ID_OFFSET),
            file.get(ValueLayout.JAVA_LONG, PoolHeaderDescriptor.CREATOR_PID_OFFSET),
            file.get(ValueLayout.JAVA_LONG, PoolHeaderDescriptor.CREATED_MILLIS_OFFSET), entries, List.copyOf(classes),
            List.copyOf(participants), corrupt);
    }
}
