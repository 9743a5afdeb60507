package io.xmem.perf;

import io.xmem.pool.Buffer;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Publication;
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
 * One record through a reliable ring and out again, in one thread of one JVM: the publisher's
 * side (reserve, write, commit, tail, the sleeper check) plus the subscriber's (commit word,
 * validation, handler, position store, and for references the unpin of the passed record). No
 * second thread and no cache-line transfer: this is the software cost of the protocol, not a
 * latency between cores (that is the cross-process harness's job).
 *
 * <ul>
 *   <li>{@code offerPollInline}: {@code offer(MemorySegment)} of 32 bytes (copied into the log), then
 *       {@code poll}; the handler reads the first 8 bytes in place.</li>
 *   <li>{@code offerPollReference}: {@code offer(Buffer)} of a 4 KiB pool buffer this process holds
 *       (a pin on publish, an unpin when the subscriber passes it), then {@code poll}; the handler
 *       takes {@code message.segment()} (checks the pin and the slot's length) and reads 8 bytes.</li>
 *   <li>{@code claimCommitPoll}: {@code tryClaim(32)}, three longs written through {@code claimed()},
 *       {@code commit()}, then {@code poll}.</li>
 * </ul>
 *
 * <p>The ring is 64 KiB with one subscription, so the publisher looks at the subscriber table only
 * once per log (every 2,048 inline or 1,024 reference records) and is never back-pressured.
 * The futex path (a waker's check of the sleeper count) runs on every commit; the downcall itself
 * only when someone sleeps, which nobody does here. It is still linked on first use, hence
 * {@code --enable-native-access}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class RingBenchmark {
    private static final int MESSAGE_BYTES = 32;

    private ScratchPool scratch;
    private String ringName;
    private Ring ring;
    private Publication publication;
    private Subscription subscription;
    private Buffer held;
    private MemorySegment message;
    /** Written by the handlers so the JIT cannot drop what they read. */
    private long sink;
    private final MessageHandler readInline = this::readFirstLong;
    private final MessageHandler readReference = this::readFirstLong;

    @Setup(Level.Trial)
    public void open() {
        scratch = ScratchPool.create("ring", PoolConfig.builder().sizeClass(4096, 16).build());
        ringName = "xmem-perf-ring-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try {
            ring = Ring.create(ringName,
                RingConfig.builder().capacity(64 * 1024).pool(scratch.name).maxSubscribers(4).build());
            subscription = ring.subscription();
            publication = ring.publication();
        } catch (RuntimeException e) {
            Ring.delete(ringName);
            scratch.close();
            throw e;
        }
        held = scratch.pool.acquire(4096);
        held.segment().set(ValueLayout.JAVA_LONG, 0, 42);
        message = Arena.ofAuto().allocate(MESSAGE_BYTES, 8);
        message.set(ValueLayout.JAVA_LONG, 0, 7);
    }

    @TearDown(Level.Trial)
    public void delete() {
        try {
            if (subscription.poll(readInline, Integer.MAX_VALUE) != 0) {
                throw new IllegalStateException("a benchmark left records unread");
            }
            ring.close(); // closes the publication and the subscription; the last pins are dropped
            held.close();
            int free = scratch.pool.stats().totalFree();
            if (free != scratch.pool.stats().totalBuffers()) {
                throw new IllegalStateException("the ring leaked pins: " + free + " buffers free of "
                    + scratch.pool.stats().totalBuffers());
            }
        } finally {
            Ring.delete(ringName);
            scratch.close();
        }
    }

    private void readFirstLong(Message m) {
        sink += m.segment().get(ValueLayout.JAVA_LONG, 0);
    }

    @Benchmark
    public long offerPollInline() {
        long position = publication.offer(message);
        if (position < 0) {
            throw new IllegalStateException("offer returned " + position);
        }
        subscription.poll(readInline, 1);
        return sink;
    }

    @Benchmark
    public long offerPollReference() {
        long position = publication.offer(held);
        if (position < 0) {
            throw new IllegalStateException("offer returned " + position);
        }
        subscription.poll(readReference, 1);
        return sink;
    }

    @Benchmark
    public long claimCommitPoll() {
        long position = publication.tryClaim(MESSAGE_BYTES);
        if (position < 0) {
            throw new IllegalStateException("tryClaim returned " + position);
        }
        MemorySegment m = publication.claimed();
        m.set(ValueLayout.JAVA_LONG, 0, position);
        m.set(ValueLayout.JAVA_LONG, 8, 1);
        m.set(ValueLayout.JAVA_LONG, 16, 2);
        publication.commit();
        subscription.poll(readInline, 1);
        return sink;
    }
}
