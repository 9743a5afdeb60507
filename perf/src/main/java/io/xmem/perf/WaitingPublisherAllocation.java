package io.xmem.perf;

import com.sun.management.ThreadMXBean;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The bytes a publisher's thread allocates per message while it waits for buffers, as a video
 * producer does: a pool of four 1 MiB buffers, a ring of that pool, and a subscriber thread that
 * reads one record every 200 µs, so nearly every {@code acquire(size, timeout)} finds the class
 * exhausted and waits. Counted with the JDK's per-thread allocation counter over 10,000 messages
 * after 5,000 of warm-up; no JMH (one thread waits on another). Run:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp perf/target/benchmarks.jar \
 *     io.xmem.perf.WaitingPublisherAllocation
 * </pre>
 */
public final class WaitingPublisherAllocation {
    private static final int SIZE = 1 << 20;
    private static final long WARMUP = 5_000;
    private static final long COUNT = 10_000;

    private WaitingPublisherAllocation() {
    }

    public static void main(String[] args) throws InterruptedException {
        String name = "xmem-perf-waiting-" + ProcessHandle.current().pid();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BufferPool pool = BufferPool.create(name, PoolConfig.builder().sizeClass(SIZE, 4).build());
             Ring ring = Ring.create(name, RingConfig.builder().pool(name).capacity(1 << 16).build());
             Subscription sub = ring.subscription();
             Publication pub = ring.publication()) {
            AtomicBoolean running = new AtomicBoolean(true);
            Thread reader = new Thread(() -> {
                while (running.get()) {
                    sub.poll(m -> { }, 1);
                    LockSupport.parkNanos(200_000);
                }
            }, "slow-reader");
            reader.start();
            long before = 0;
            long start = 0;
            for (long n = 0; n < WARMUP + COUNT; n++) {
                if (n == WARMUP) {
                    before = threads.getCurrentThreadAllocatedBytes();
                    start = System.nanoTime();
                }
                Buffer frame = pool.acquire(SIZE, Duration.ofSeconds(10));
                while (pub.send(frame, n, n) < 0) {
                    Thread.onSpinWait();
                }
            }
            long bytes = threads.getCurrentThreadAllocatedBytes() - before;
            System.out.printf("%.1f bytes allocated per message by the waiting publisher; %.0f messages/s%n",
                (double) bytes / COUNT, COUNT * 1e9 / (System.nanoTime() - start));
            running.set(false);
            reader.join();
        } finally {
            Ring.delete(name);
            BufferPool.delete(name);
        }
    }
}
