package io.xmem.pool.internal;

import io.xmem.pool.PoolConfig;
import io.xmem.pool.TooManyParticipantsException;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.pool.internal.shm.Labels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileLock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static io.xmem.pool.internal.ParticipantDescriptor.*;

/**
 * Flyweight over the participant table, with the lock file that says who is alive: entry
 * {@code i} belongs to whoever holds byte {@code i} of {@code NAME.pool.lock} (see
 * {@link ByteLocks}). Besides the entries themselves it knows what the dead leave behind: their
 * bits in the slot table, which {@link #reclaim} clears.
 *
 * <p>Access modes: an entry's state is stored with release after its other fields and loaded
 * with acquire; the other fields are plain and only ever diagnostics.
 */
public final class Participants {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();
    /** How long {@link #claim} keeps trying entries that are momentarily locked by a peer's probe. */
    private static final long CLAIM_RETRY_NANOS = 500_000_000L;

    private final MemorySegment file;
    private final PoolLayout layout;
    /** Null for a table that is only read (an inspection probes through its own locks). */
    private final ByteLocks locks;

    public Participants(MemorySegment file, PoolLayout layout, ByteLocks locks) {
        this.file = file;
        this.layout = layout;
        this.locks = locks;
    }

    public int capacity() {
        return layout.maxParticipants;
    }

    /** Entry fields as stored; diagnostics only, never trusted for decisions. */
    public int stateAcquire(int index) {
        return (int) INT.getAcquire(file, layout.participantOffset(index) + STATE_OFFSET);
    }

    public long pidPlain(int index) {
        return file.get(ValueLayout.JAVA_LONG, layout.participantOffset(index) + PID_OFFSET);
    }

    /** The entry's label: its owner's {@code -Dxmem.label}, main class or jar; "?" if damaged. */
    public String label(int index) {
        long e = layout.participantOffset(index);
        return Labels.read(file, e + LABEL_LENGTH_OFFSET, e + LABEL_OFFSET);
    }

    public long startMillisPlain(int index) {
        return file.get(ValueLayout.JAVA_LONG, layout.participantOffset(index) + START_MILLIS_OFFSET);
    }

    /** A claimed entry: its index and the lock that keeps it ours. */
    public record Claim(int index, FileLock lock) {
    }

    /**
     * Takes the first entry whose lock is free. The caller must clear any bits the entry's
     * previous owners left before calling {@link #activate}.
     */
    public Claim claim(String poolName) {
        // A peer's liveness probe or reclaim holds a dead entry's lock for a moment: retry for a
        // bounded time before calling the pool full.
        long deadline = System.nanoTime() + CLAIM_RETRY_NANOS;
        long pause = 50_000;
        do {
            for (int i = 0; i < layout.maxParticipants; i++) {
                FileLock lock = locks.tryLock(i);
                if (lock != null) {
                    return new Claim(i, lock);
                }
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 20_000_000);
        } while (System.nanoTime() - deadline < 0);
        throw new TooManyParticipantsException("pool '" + poolName + "' already has " + layout.maxParticipants
            + " live participants (its maxParticipants): close a process using it, or recreate the pool with a higher "
            + "PoolConfig.maxParticipants (at most " + PoolConfig.MAX_PARTICIPANTS + ")");
    }

    /** Fills the entry and marks it ACTIVE (release: the fields are visible before the state). */
    public void activate(int index, long pid, long startMillis) {
        long e = layout.participantOffset(index);
        file.set(ValueLayout.JAVA_INT, e + KIND_OFFSET, KIND_PROCESS);
        file.set(ValueLayout.JAVA_LONG, e + PID_OFFSET, pid);
        file.set(ValueLayout.JAVA_LONG, e + START_MILLIS_OFFSET, startMillis);
        file.set(ValueLayout.JAVA_LONG, e + JOINED_MILLIS_OFFSET, System.currentTimeMillis());
        Labels.writeSelf(file, e + LABEL_LENGTH_OFFSET, e + LABEL_OFFSET);
        INT.setRelease(file, e + STATE_OFFSET, STATE_ACTIVE);
    }

    /** Marks the entry EMPTY; the caller holds its lock and has cleared its bits. */
    public void deactivate(int index) {
        INT.setRelease(file, layout.participantOffset(index) + STATE_OFFSET, STATE_EMPTY);
    }

    /** Whether the owner of entry {@code index} (not this JVM's) is alive: a shared probe. */
    public boolean isAlive(int index) {
        return locks.isHeld(index);
    }

    /**
     * Frees the references of every dead participant but {@code self}: each entry that is in
     * use (ACTIVE, or with bits left in {@code slots}) and whose lock can be taken belongs to a
     * dead process; its bits are cleared from every slot, then it is marked EMPTY and its lock
     * dropped. Returns how many slots that freed.
     */
    public int reclaim(SlotTable slots, int self) {
        long present = 0; // bits set anywhere: an EMPTY entry with bits left over is a candidate too
        for (int slot = 0; slot < layout.slotCount; slot++) {
            present |= SlotDescriptor.holders(slots.stateVolatile(slot));
        }
        List<FileLock> dead = new ArrayList<>();
        long deadBits = 0;
        try {
            for (int i = 0; i < layout.maxParticipants; i++) {
                if (i == self || (stateAcquire(i) == STATE_EMPTY && (present & (1L << i)) == 0)) {
                    continue;
                }
                FileLock lock = locks.tryLock(i);
                if (lock != null) {
                    dead.add(lock);
                    deadBits |= 1L << i;
                }
            }
            int freed = deadBits == 0 ? 0 : sweep(slots, deadBits);
            for (FileLock lock : dead) {
                deactivate((int) lock.position());
            }
            return freed;
        } finally {
            dead.forEach(ByteLocks::unlock);
        }
    }

    /**
     * Clears {@code bits} in every slot; returns how many slots that freed. The classes' cursors
     * are left alone: a claim that misses finds the freed slots on its walk.
     */
    public int sweep(SlotTable slots, long bits) {
        int freed = 0;
        for (int slot = 0; slot < layout.slotCount; slot++) {
            if (slots.clearHolders(slot, bits) == 0) {
                freed++;
            }
        }
        return freed;
    }

    /**
     * Takes the lock byte of every entry but {@code self}, so that no other process is in the pool
     * or can join it while they are held; null (and none kept) if one is held by a live process.
     */
    public List<FileLock> lockAllBut(int self) {
        List<FileLock> taken = new ArrayList<>();
        for (int i = 0; i < layout.maxParticipants; i++) {
            if (i == self) {
                continue;
            }
            FileLock lock = locks.tryLock(i);
            if (lock == null) {
                taken.forEach(ByteLocks::unlock);
                return null;
            }
            taken.add(lock);
        }
        return taken;
    }

    /** Whether any participant other than {@code self} is alive. */
    public boolean othersAlive(int self) {
        for (int i = 0; i < layout.maxParticipants; i++) {
            if (i != self && stateAcquire(i) != STATE_EMPTY && isAlive(i)) {
                return true;
            }
        }
        return false;
    }

    /** One row per participant entry in use. */
    public record Row(int index, long pid, long startMillis, String label, boolean alive, boolean self,
                      int buffersHeld) {
    }

    /** The entries in use (ACTIVE, or holding bits in {@code slots}), with liveness probed. */
    public List<Row> rows(SlotTable slots, int self) {
        int[] held = new int[layout.maxParticipants];
        for (int s = 0; s < layout.slotCount; s++) {
            for (long h = SlotDescriptor.holders(slots.stateVolatile(s)); h != 0; h &= h - 1) {
                int bit = Long.numberOfTrailingZeros(h);
                if (bit < held.length) {
                    held[bit]++;
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < layout.maxParticipants; i++) {
            boolean isSelf = i == self;
            if (!isSelf && stateAcquire(i) == STATE_EMPTY && held[i] == 0) {
                continue;
            }
            boolean alive = isSelf || isAlive(i);
            rows.add(new Row(i, pidPlain(i), startMillisPlain(i), label(i), alive, isSelf, held[i]));
        }
        return rows;
    }
}
