package io.xmem.ring;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two publisher processes on one ring through concurrent publications, a subscriber here:
 * every record of each publisher arrives once, in that publisher's order, whole (never
 * interleaved with the other's), and every referenced buffer is released at the end.
 */
class ConcurrentPublishersTest {
    private final String pool = "xmem-test-cpool-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final String name = "xmem-test-cring-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final Launcher launcher = new Launcher();

    @AfterEach
    void cleanUp() {
        try {
            launcher.close();
        } finally {
            Ring.delete(name);
            BufferPool.delete(pool);
        }
    }

    private ChildProcess start(int id, long count) {
        return launcher.start(JvmCommand.of(ConcurrentPublisherChild.class).label("publisher " + id)
            .flags("-Xmx64m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED")
            .args(name, Integer.toString(id), Long.toString(count)));
    }

    @Test
    void twoPublisherProcessesNeverInterleaveOrLoseARecord() throws Exception {
        long count = 100_000;
        try (BufferPool p = BufferPool.create(pool, PoolConfig.builder().sizeClass(64, 128).build());
             Ring ring = Ring.create(name, RingConfig.builder().capacity(1 << 16).pool(pool).build());
             Subscription sub = ring.subscription()) {
            ChildProcess a = start(1, count);
            ChildProcess b = start(2, count);
            long[] next = new long[3];
            long[] references = new long[3];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // hang guard
            long received = 0;
            while (received < 2 * count && System.nanoTime() < deadline) {
                int n = sub.poll(m -> {
                    long id = m.getLong(0);
                    long i = m.getLong(8);
                    assertTrue(id == 1 || id == 2, "publisher id " + id);
                    assertEquals(id * 1_000_003 + i, m.getLong(16), "a record is whole, never mixed with another");
                    assertEquals(next[(int) id], i, "publisher " + id + "'s records arrive in its order, none lost");
                    next[(int) id]++;
                    if (!m.isInline()) {
                        references[(int) id]++;
                        MemorySegment s = m.segment();
                        assertEquals(24, s.byteSize());
                        assertEquals(i, s.get(ValueLayout.JAVA_LONG, 8));
                    }
                }, 256);
                received += n;
                if (n == 0) {
                    sub.await(Duration.ofMillis(10));
                }
            }
            assertEquals(count, next[1]);
            assertEquals(count, next[2]);
            assertEquals(count / 10, references[1]);
            assertEquals(count / 10, references[2]);
            assertEquals(0, a.awaitExit(Duration.ofSeconds(30)), a.diagnostics());
            assertEquals(0, b.awaitExit(Duration.ofSeconds(30)), b.diagnostics());
            assertEquals(2 * count, ring.publishedCount());
            sub.poll(m -> { }, 10); // idle poll: releases what we passed last
            assertEquals(128, p.stats().totalFree(), "every pin released");
        }
    }
}
