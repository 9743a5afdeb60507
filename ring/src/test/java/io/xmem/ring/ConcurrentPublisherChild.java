package io.xmem.ring;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

/**
 * A child process publishing through a concurrent publication: {@code ring id count}. Every
 * record carries (id, i, id * 1_000_003 + i): inline, or every 10th by reference in a pool
 * buffer holding the same three longs. Exits 0 when all were published.
 */
public final class ConcurrentPublisherChild {
    private ConcurrentPublisherChild() {
    }

    public static void main(String[] args) {
        ParentWatch.start(); // a child of a launcher: leaves when its parent is gone
        String name = args[0];
        long id = Long.parseLong(args[1]);
        long count = Long.parseLong(args[2]);
        try (Ring ring = Ring.open(name); Publication pub = ring.concurrentPublication()) {
            BufferPool pool = ring.pool();
            System.out.println("ready");
            System.out.flush();
            for (long i = 0; i < count; i++) {
                long r;
                do {
                    if (i % 10 == 0) {
                        try (Buffer b = pool.acquire(24, Duration.ofSeconds(30))) {
                            MemorySegment s = b.segment();
                            s.set(ValueLayout.JAVA_LONG, 0, id);
                            s.set(ValueLayout.JAVA_LONG, 8, i);
                            s.set(ValueLayout.JAVA_LONG, 16, id * 1_000_003 + i);
                            r = pub.offer(b);
                        }
                    } else {
                        r = pub.offer(MemorySegment.ofArray(new long[] {id, i, id * 1_000_003 + i}));
                    }
                    if (r == Publication.BACK_PRESSURED) {
                        Thread.onSpinWait();
                    }
                } while (r == Publication.BACK_PRESSURED);
                if (r < 0) {
                    System.err.println("offer " + i + " returned " + r);
                    System.exit(2);
                }
            }
        }
        System.exit(0);
    }
}
