package io.xmem.perf;

import io.xmem.pool.Buffer;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * Reading data in place: the sum of 1M floats (4 MiB) in a pool buffer, read through its
 * {@code MemorySegment} (bounds- and liveness-checked by FFM), against the same floats in a
 * {@code float[]}. A third loop reads a segment of a plain shared {@code Arena}, to tell the
 * cost of FFM access from anything the pool adds.
 *
 * <p>The plain loops add in index order, as Java's floating-point semantics require, so they are
 * bound by the latency of one add per element, which hides the cost of the access checks; the
 * {@code 4Lanes} pair keeps four independent sums, so the loads and their checks are on the
 * critical path.
 *
 * <p>Each benchmark takes only the state it reads, so a fork never touches a second kind of
 * segment: once the JIT has seen both mapped (pool) and native (arena) segments in the FFM
 * access code, the 4-lane segment loop runs about half as fast (see perf/README.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PoolFloatSumBenchmark {
    static final int FLOATS = 1 << 20;
    static final long BYTES = (long) FLOATS * Float.BYTES;

    /** The value at index {@code i}, the same in every container. */
    static float value(int i) {
        return (i % 1000) * 0.25f;
    }

    @State(Scope.Thread)
    public static class PoolFloats {
        private ScratchPool scratch;
        private Buffer buffer;
        MemorySegment segment;

        @Setup(Level.Trial)
        public void open() {
            scratch = ScratchPool.create("floats", PoolConfig.builder().sizeClass(BYTES, 1).build());
            buffer = scratch.pool.acquire(BYTES);
            segment = buffer.segment();
            for (int i = 0; i < FLOATS; i++) {
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, value(i));
            }
        }

        @TearDown(Level.Trial)
        public void delete() {
            buffer.close();
            scratch.close();
        }
    }

    @State(Scope.Thread)
    public static class ArenaFloats {
        private Arena arena;
        MemorySegment segment;

        @Setup(Level.Trial)
        public void open() {
            arena = Arena.ofShared();
            segment = arena.allocate(BYTES, 64);
            for (int i = 0; i < FLOATS; i++) {
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, value(i));
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            arena.close();
        }
    }

    @State(Scope.Thread)
    public static class ArrayFloats {
        final float[] array = new float[FLOATS];

        @Setup(Level.Trial)
        public void fill() {
            for (int i = 0; i < FLOATS; i++) {
                array[i] = value(i);
            }
        }
    }

    @Benchmark
    public float sumPoolSegment(PoolFloats floats) {
        return sum(floats.segment);
    }

    @Benchmark
    public float referenceArenaSegment(ArenaFloats floats) {
        return sum(floats.segment);
    }

    @Benchmark
    public float baselineFloatArray(ArrayFloats floats) {
        float[] a = floats.array;
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i];
        }
        return s;
    }

    @Benchmark
    public float sumPoolSegment4Lanes(PoolFloats floats) {
        MemorySegment m = floats.segment;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (long i = 0; i < BYTES; i += 4 * Float.BYTES) {
            s0 += m.get(ValueLayout.JAVA_FLOAT, i);
            s1 += m.get(ValueLayout.JAVA_FLOAT, i + 4);
            s2 += m.get(ValueLayout.JAVA_FLOAT, i + 8);
            s3 += m.get(ValueLayout.JAVA_FLOAT, i + 12);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Benchmark
    public float baselineFloatArray4Lanes(ArrayFloats floats) {
        float[] a = floats.array;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = 0; i < a.length; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float sum(MemorySegment segment) {
        float s = 0;
        for (int i = 0; i < FLOATS; i++) {
            s += segment.get(ValueLayout.JAVA_FLOAT, i * 4L);
        }
        return s;
    }
}
