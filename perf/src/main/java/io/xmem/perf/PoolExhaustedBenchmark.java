package io.xmem.perf;

import io.xmem.pool.Buffer;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a try costs when the size class is exhausted, as a publisher waiting for its subscribers to
 * let go of a frame tries again and again: every buffer of the class is held, and a ring of the
 * pool is open with a subscription, so the exhaustion hook (the ring dropping pins nobody needs)
 * runs on a full try. {@code fullTry}: {@code tryAcquire}, the scan of the class, the hook, the
 * periodic reclaim. The waiting {@code acquire(size, timeout)} makes a full try once in 16 spins
 * and at each park and, in between, only a try at the class's cursor. Read with {@code -prof gc}:
 * the point is the bytes per try (0 is the goal; the full run of 2026-11-22 saw 295-4,924 bytes per
 * message at 1-8 MiB on this path).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PoolExhaustedBenchmark {
    @Param({"16", "256"})
    int buffers;

    private ScratchPool scratch;
    private String ringName;
    private Ring ring;
    private Subscription subscription;
    private final List<Buffer> held = new ArrayList<>();

    @Setup(Level.Trial)
    public void open() {
        scratch = ScratchPool.create("exhausted", PoolConfig.builder().sizeClass(1 << 20, buffers).build());
        ringName = scratch.name + "-ring";
        ring = Ring.create(ringName, RingConfig.builder().pool(scratch.name).capacity(1 << 16).build());
        subscription = ring.subscription();
        for (int i = 0; i < buffers; i++) {
            held.add(scratch.pool.acquire(1 << 20));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        held.forEach(Buffer::close);
        subscription.close();
        ring.close();
        Ring.delete(ringName);
        scratch.close();
    }

    @Benchmark
    public Buffer fullTry() {
        return scratch.pool.tryAcquire(1 << 20); // null: the class is exhausted
    }
}
