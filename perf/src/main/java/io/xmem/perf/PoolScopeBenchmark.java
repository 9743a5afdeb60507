package io.xmem.perf;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A burst of small scratch allocations released together (five segments, 1,040 bytes in all,
 * zeroed): a {@link PoolScope} slices them from one 4 KiB pool buffer; the baseline, a confined
 * {@code Arena}, mallocs and frees each one. Both return the same bytes and alignments.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PoolScopeBenchmark {
    private ScratchPool scratch;
    private BufferPool pool;

    @Setup(Level.Trial)
    public void open() {
        scratch = ScratchPool.create("scope", PoolConfig.builder().sizeClass(4096, 16).build());
        pool = scratch.pool;
    }

    @TearDown(Level.Trial)
    public void delete() {
        scratch.close();
    }

    @Benchmark
    public long scope() {
        try (PoolScope s = pool.scope()) {
            return sum(s.alloc(16, 8), s.alloc(100, 4), s.alloc(256, 1), s.alloc(32, 2), s.alloc(24, 8));
        }
    }

    @Benchmark
    public long baselineArenaConfined() {
        try (Arena a = Arena.ofConfined()) {
            return sum(a.allocate(16 * 8, 8), a.allocate(100 * 4, 4), a.allocate(256, 1), a.allocate(32 * 2, 2),
                a.allocate(24 * 8, 8));
        }
    }

    /** Touches every segment so none of the allocations is dead code. */
    private static long sum(MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d, MemorySegment e) {
        return a.address() + b.address() + c.address() + d.address() + e.address();
    }
}
