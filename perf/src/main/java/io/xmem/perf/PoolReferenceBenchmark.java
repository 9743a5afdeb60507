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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One more reference on a buffer this process already holds, and dropping it again: through an
 * open handle ({@code retain}) and through the token ({@code attach}, what a receiver does with
 * a token it got from a ring). Both stay on the ≥1 fast path (a CAS on the process-local count,
 * no shared memory write). The baseline is the floor of any thread-safe reference count: an
 * {@code AtomicLong} incremented and decremented.
 *
 * <p>The 0→1 attach, where the holder is another process, needs a second participant and so a
 * second JVM; it belongs to the cross-process harness, not here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PoolReferenceBenchmark {
    private ScratchPool scratch;
    private BufferPool pool;
    private Buffer held;
    private long token;
    private final AtomicLong refCount = new AtomicLong(1);

    @Setup(Level.Trial)
    public void open() {
        scratch = ScratchPool.create("refs", PoolConfig.builder().sizeClass(4096, 16).build());
        pool = scratch.pool;
        held = pool.acquire(4096);
        token = held.token();
    }

    @TearDown(Level.Trial)
    public void delete() {
        held.close();
        scratch.close();
    }

    @Benchmark
    public long retainClose() {
        try (Buffer b = held.retain()) {
            return b.token();
        }
    }

    @Benchmark
    public long attachClose() {
        try (Buffer b = pool.attach(token)) {
            return b.length();
        }
    }

    @Benchmark
    public long baselineAtomicRefCount() {
        refCount.incrementAndGet();
        return refCount.decrementAndGet();
    }
}
