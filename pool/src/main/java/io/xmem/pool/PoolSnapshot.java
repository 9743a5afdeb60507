package io.xmem.pool;

import java.nio.file.Path;
import java.util.List;

/**
 * A pool as an outside observer sees it, taken by {@link PoolInspection#inspect} without joining
 * the pool: per size class how many buffers exist, are free, are held by processes, are pinned
 * by rings, and would be freed by a reclaim now; per participant entry its pid, whether its
 * process lives, and how many buffers it holds. Nothing is freed by taking it, so a dead
 * process's references are still there to be seen.
 *
 * <p>Read from shared memory while others work on it, so counts may be mid-change; every value
 * was validated before use.
 *
 * @param corruptSlots slots whose state word names participant entries beyond the pool's
 *                     {@code maxParticipants}: a damaged file (0 in a healthy pool)
 */
public record PoolSnapshot(String name, Path path, long poolId, long creatorPid, long createdMillis,
                           int maxParticipants, List<SizeClass> sizeClasses, List<Participant> participants,
                           int corruptSlots) {

    /**
     * One size class. {@code held} counts buffers at least one process holds, {@code pinned}
     * those at least one ring record pins (a buffer may be both); {@code free} those neither;
     * {@code reclaimable} the held buffers whose every holder is dead and that no pin keeps;
     * {@code device} when the buffers are on the pool's CUDA device.
     */
    public record SizeClass(long bufferSize, int total, int free, int held, int pinned, int reclaimable,
                            boolean device) {
    }

    /**
     * A participant entry that is ACTIVE or still marked in some slot. {@code alive} comes from the
     * OS lock of the entry, as reclaim decides it; {@code self} is this JVM's own entry; pid and
     * start time are the entry's diagnostics. {@code buffersHeld} counts slots carrying its bit.
     */
    public record Participant(int index, boolean active, long pid, long startMillis, boolean alive, boolean self,
                              int buffersHeld, String label) {
        /** Without a label. */
        public Participant(int index, boolean active, long pid, long startMillis, boolean alive, boolean self,
                           int buffersHeld) {
            this(index, active, pid, startMillis, alive, self, buffersHeld, "");
        }
    }

    public int totalBuffers() {
        return sizeClasses.stream().mapToInt(SizeClass::total).sum();
    }

    public int totalFree() {
        return sizeClasses.stream().mapToInt(SizeClass::free).sum();
    }

    /** Buffers a reclaim would free now: held only by dead processes, pinned by nothing. */
    public int reclaimable() {
        return sizeClasses.stream().mapToInt(SizeClass::reclaimable).sum();
    }
}
