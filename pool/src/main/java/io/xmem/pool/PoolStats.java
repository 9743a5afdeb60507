package io.xmem.pool;

import java.util.List;

/**
 * A snapshot of a pool: per size class how many buffers exist, are free and are held, and
 * who participates. Taken without stopping anyone, so counts may be mid-change.
 */
public record PoolStats(String name, List<SizeClassStats> sizeClasses, List<Participant> participants) {

    /** One size class; {@code device} when its buffers are on the pool's CUDA device. */
    public record SizeClassStats(long bufferSize, int total, int free, int held, boolean device) {
        /** A host size class. */
        public SizeClassStats(long bufferSize, int total, int free, int held) {
            this(bufferSize, total, free, held, false);
        }
    }

    /**
     * A participant entry: the process's pid and start time (diagnostics), whether the OS still
     * holds its lock, whether it is this process, how many buffers it holds a reference to, and
     * its label ({@code -Dxmem.label}, else its main class or jar).
     */
    public record Participant(int index, long pid, long startMillis, boolean alive, boolean self, int buffersHeld,
                              String label) {
        /** Without a label. */
        public Participant(int index, long pid, long startMillis, boolean alive, boolean self, int buffersHeld) {
            this(index, pid, startMillis, alive, self, buffersHeld, "");
        }
    }

    public int totalFree() {
        return sizeClasses.stream().mapToInt(SizeClassStats::free).sum();
    }

    public int totalBuffers() {
        return sizeClasses.stream().mapToInt(SizeClassStats::total).sum();
    }
}
