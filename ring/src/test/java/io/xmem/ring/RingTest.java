package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RingTest {
    private final String pool = "xmem-test-ringpool-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final String name = "xmem-test-ring-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @AfterEach
    void cleanUp() {
        Ring.delete(name);
        BufferPool.delete(pool);
    }

    private BufferPool newPool() {
        return BufferPool.create(pool, PoolConfig.builder().sizeClass(4096, 8).build());
    }

    @Test
    void inlineAndReferencesReachEverySubscriberInOrderAndBuffersComeBack() {
        try (BufferPool p = newPool();
             Ring ring = Ring.create(name, RingConfig.builder().capacity(8192).pool(pool).build());
             Publication pub = ring.publication();
             Subscription a = ring.subscription();
             Subscription b = ring.subscription()) {
            List<String> seenA = new ArrayList<>();
            List<String> seenB = new ArrayList<>();
            int published = 0;
            for (int i = 0; i < 500; i++) { // many laps of an 8 KiB log
                long r;
                if (i % 3 == 0) {
                    try (Buffer buf = p.acquire(100)) {
                        buf.segment().set(ValueLayout.JAVA_INT, 0, i);
                        r = pub.offer(buf, 0, 100, 1000 + i, i);
                    }
                } else {
                    r = pub.offer(MemorySegment.ofArray(("m" + i).getBytes()));
                }
                assertTrue(r > 0, "offer " + i + " gave " + r);
                published++;
                a.poll(m -> seenA.add(describe(m)), 10);
                if (i % 2 == 0) { // b lags, then catches up
                    while (b.poll(m -> seenB.add(describe(m)), 10) > 0) {
                        // drain
                    }
                }
            }
            while (b.poll(m -> seenB.add(describe(m)), 100) > 0) {
                // drain
            }
            assertEquals(published, seenA.size());
            assertEquals(seenA, seenB);
            for (int i = 0; i < 500; i++) {
                assertEquals(i % 3 == 0 ? "ref " + i + " " + (1000 + i) : "m" + i, seenA.get(i));
            }
            assertEquals(8, p.stats().totalFree(), "every referenced buffer was released once both passed");
        }
    }

    private static String describe(Message m) {
        if (m.isInline()) {
            return new String(m.segment().toArray(ValueLayout.JAVA_BYTE));
        }
        return "ref " + m.segment().get(ValueLayout.JAVA_INT, 0) + " " + m.timestamp();
    }

    @Test
    void slowSubscriberBackPressuresAndARetainedMessageOutlivesTheCallback() {
        try (BufferPool p = newPool();
             Ring ring = Ring.create(name, RingConfig.builder().capacity(4096).pool(pool).build());
             Publication pub = ring.publication()) {
            assertEquals(Publication.NOT_CONNECTED, pub.offer(MemorySegment.ofArray(new byte[8])));
            try (Subscription sub = ring.subscription()) {
                int ok = 0;
                while (pub.offer(MemorySegment.ofArray(new byte[100])) > 0) {
                    ok++;
                }
                assertEquals(4096 / 128, ok, "a full log of 128-byte records, then back-pressure");
                assertEquals(Publication.BACK_PRESSURED, pub.offer(MemorySegment.ofArray(new byte[100])));
                assertTrue(ring.backPressuredCount() > 0);
                sub.poll(m -> { }, 1000);
                Buffer kept;
                try (Buffer buf = p.acquire(64)) {
                    assertTrue(pub.offer(buf) > 0);
                }
                List<Buffer> retained = new ArrayList<>();
                sub.poll(m -> retained.add(m.retain()), 10);
                kept = retained.getFirst();
                assertEquals(7, p.stats().totalFree(), "the retained handle keeps it");
                kept.close();
                assertEquals(8, p.stats().totalFree());
            }
        }
    }

    @Test
    void badInputIsRefusedClearly() {
        try (BufferPool p = newPool();
             Ring ring = Ring.create(name, RingConfig.builder().capacity(4096).pool(pool).build());
             Publication pub = ring.publication();
             Subscription sub = ring.subscription()) {
            assertThrows(MessageTooLongException.class, () -> pub.offer(MemorySegment.ofArray(new byte[4096])));
            assertThrows(io.xmem.pool.XmemException.class, ring::publication, "one publication at a time");
            assertThrows(RingExistsException.class, () -> Ring.create(name, RingConfig.builder().build()));
            assertThrows(RingNotFoundException.class, () -> Ring.open(name + "-missing"));
        }
    }
}
