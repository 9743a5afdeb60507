package io.xmem.perf;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Taking and returning one buffer: {@code pool.acquire(size)} + {@code close()}, and the same
 * through the token API ({@code tryAcquireToken} + {@code releaseToken}), against the
 * JDK's two ways of getting off-heap memory of the same size, {@code ByteBuffer.allocateDirect}
 * and a confined {@code Arena}. The pool hands out memory that already exists (no zeroing by
 * default); both baselines allocate and zero it, which is why their cost grows with the size.
 * {@code allocateDirect}'s memory is freed by a Cleaner after a GC, so its figure includes the
 * GCs it provokes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PoolBenchmark {
    @Param({"4096", "1048576"})
    int size;

    private ScratchPool scratch;
    private BufferPool pool;

    @Setup(Level.Trial)
    public void open() {
        scratch = ScratchPool.create("acquire", PoolConfig.builder()
            .sizeClass(4096, 16)
            .sizeClass(1 << 20, 4)
            .build());
        pool = scratch.pool;
    }

    @TearDown(Level.Trial)
    public void delete() {
        scratch.close();
    }

    @Benchmark
    public long acquireClose() {
        try (Buffer b = pool.acquire(size)) {
            return b.token();
        }
    }

    /** The same cycle through the handle-free token API: allocation-free by construction. */
    @Benchmark
    public long acquireReleaseToken() {
        long token = pool.tryAcquireToken(size);
        pool.releaseToken(token);
        return token;
    }

    @Benchmark
    public ByteBuffer baselineAllocateDirect() {
        return ByteBuffer.allocateDirect(size);
    }

    @Benchmark
    public long baselineArenaConfined() {
        try (Arena arena = Arena.ofConfined()) {
            return arena.allocate(size).address();
        }
    }
}
