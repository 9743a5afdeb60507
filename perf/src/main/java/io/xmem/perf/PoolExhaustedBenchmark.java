package io.xmem.perf;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
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

import java.util.concurrent.TimeUnit;

/**
 * An acquire that finds its size class exhausted: what a publisher spinning on a full pool pays per
 * retry (the harness's by-reference streams spend most of their time there). Every buffer of the
 * 4 KiB class is held by this process, so each call fails. {@code ring=true}: a reliable ring uses the
 * pool and has a subscriber, as in a real stream, so the failed acquire also runs the ring's
 * exhaustion hook (drop the pins nobody needs) before it gives up; {@code false}: the pool alone.
 * The pool reclaims dead participants' buffers at most once a millisecond on this path as well.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class PoolExhaustedBenchmark {
    private static final int SIZE = 4096;
    private static final int BUFFERS = 4;

    @Param({"false", "true"})
    boolean ring;

    private ScratchPool scratch;
    private BufferPool pool;
    private String ringName;
    private Ring openRing;
    private Subscription subscription;
    private final long[] held = new long[BUFFERS];

    @Setup(Level.Trial)
    public void open() {
        scratch = ScratchPool.create("exhausted", PoolConfig.builder().sizeClass(SIZE, BUFFERS).build());
        pool = scratch.pool;
        if (ring) {
            ringName = scratch.name + "-ring";
            openRing = Ring.create(ringName, RingConfig.builder().pool(scratch.name).build());
            subscription = openRing.subscription();
            pool = openRing.pool();
        }
        for (int i = 0; i < BUFFERS; i++) {
            held[i] = pool.tryAcquireToken(SIZE);
        }
    }

    @TearDown(Level.Trial)
    public void delete() {
        for (long token : held) {
            pool.releaseToken(token);
        }
        if (ring) {
            subscription.close();
            openRing.close();
            Ring.delete(ringName);
        }
        scratch.close();
    }

    /** {@code tryAcquireToken} on the exhausted class: returns {@code NO_TOKEN}. */
    @Benchmark
    public long tryAcquireTokenExhausted() {
        return pool.tryAcquireToken(SIZE);
    }

    /** {@code tryAcquire} on the exhausted class: returns null. */
    @Benchmark
    public Buffer tryAcquireExhausted() {
        return pool.tryAcquire(SIZE);
    }
}
