package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.XmemException;
import io.xmem.ring.internal.Futex;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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
                // a log of 128-byte records, less one: a commit also voids the next record's commit word
                assertEquals(4096 / 128 - 1, ok, "a full log, then back-pressure");
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
            assertThrows(XmemException.class, ring::publication, "one publication at a time");
            assertThrows(RingExistsException.class, () -> Ring.create(name, RingConfig.builder().build()));
            assertThrows(RingNotFoundException.class, () -> Ring.open(name + "-missing"));
        }
    }

    @Test
    void claimWritesInPlaceAndAbortPublishesNothing() {
        try (Ring ring = Ring.create(name, RingConfig.builder().capacity(4096).build());
             Publication pub = ring.publication();
             Subscription sub = ring.subscription()) {
            assertNull(ring.pool());
            for (int i = 0; i < 200; i++) { // several laps, so claims meet the padding at the end
                assertTrue(pub.tryClaim(24) > 0);
                MemorySegment m = pub.claimed();
                m.set(ValueLayout.JAVA_LONG, 0, i);
                if (i % 5 == 4) {
                    pub.abort();
                } else {
                    pub.commit();
                }
                assertThrows(IllegalStateException.class, pub::commit);
                List<Long> got = new ArrayList<>();
                sub.poll(msg -> got.add(msg.segment().get(ValueLayout.JAVA_LONG, 0)), 10);
                assertEquals(i % 5 == 4 ? List.of() : List.of((long) i), got);
            }
        }
    }

    @Test
    void aSleepingSubscriberWakesOnPublishAndOnClose() throws Exception {
        try (Ring ring = Ring.create(name, RingConfig.builder().capacity(4096).build());
             Publication pub = ring.publication()) {
            Subscription sub = ring.subscription();
            AtomicReference<Boolean> woke = new AtomicReference<>();
            Thread waiter = new Thread(() -> woke.set(sub.await(Duration.ofSeconds(30))));
            waiter.start();
            Thread.sleep(200); // let it go to sleep
            assertTrue(waiter.isAlive(), "nothing published yet: still asleep");
            assertTrue(pub.offer(MemorySegment.ofArray(new byte[8])) > 0);
            waiter.join(10_000);
            assertFalse(waiter.isAlive(), "the publish woke it");
            assertTrue(woke.get());
            assertEquals(1, sub.poll(m -> { }, 10));

            Thread second = new Thread(() -> woke.set(sub.await(Duration.ofSeconds(30))));
            second.start();
            Thread.sleep(200);
            assertTrue(second.isAlive());
            sub.close();
            second.join(10_000);
            assertFalse(second.isAlive(), "closing the subscription woke it");
            assertFalse(woke.get());
            assertTrue(Futex.AVAILABLE, Futex.UNAVAILABLE);
        }
    }

    @Test
    void aLappedSubscriberLearnsExactlyWhatItLostAndSkippedBuffersAreReleased() {
        try (BufferPool p = BufferPool.create(pool, PoolConfig.builder().sizeClass(4096, 64).build());
             Ring ring = Ring.create(name, RingConfig.builder().capacity(4096).pool(pool).lossy(true).build());
             Publication pub = ring.publication();
             Subscription slow = ring.subscription();
             Subscription fast = ring.subscription()) {
            int total = 2_000;
            List<Long> slowSeen = new ArrayList<>();
            long fastCount = 0;
            for (int i = 0; i < total; i++) {
                long r;
                if (i % 4 == 0) {
                    try (Buffer buf = p.acquire(64)) {
                        buf.segment().set(ValueLayout.JAVA_LONG, 0, i);
                        r = pub.offer(buf);
                    }
                } else {
                    r = pub.offer(MemorySegment.ofArray(new long[] {i}));
                }
                assertTrue(r > 0, "a lossy publisher never waits: offer " + i + " gave " + r);
                fastCount += fast.poll(m -> assertEquals(m.segment().get(ValueLayout.JAVA_LONG, 0),
                    m.segment().get(ValueLayout.JAVA_LONG, 0)), 10);
                if (i == 1_000) { // the slow one wakes up once, far behind, then keeps pace
                    while (slow.poll(m -> slowSeen.add(m.segment().get(ValueLayout.JAVA_LONG, 0)), 100) > 0) {
                        // drain
                    }
                } else if (i > 1_000) {
                    slow.poll(m -> slowSeen.add(m.segment().get(ValueLayout.JAVA_LONG, 0)), 10);
                }
            }
            while (slow.poll(m -> slowSeen.add(m.segment().get(ValueLayout.JAVA_LONG, 0)), 100) > 0) {
                // drain
            }
            assertEquals(total, fastCount, "the subscriber that kept pace lost nothing");
            assertEquals(0, fast.lostRecords());
            assertTrue(slow.lostRecords() > 0, "the stalled subscriber was lapped");
            assertEquals(total, slowSeen.size() + slow.lostRecords(),
                "what it saw plus what it was told it lost is everything");
            for (int i = 1; i < slowSeen.size(); i++) {
                assertTrue(slowSeen.get(i) > slowSeen.get(i - 1), "in order after resuming");
            }
            assertEquals(total - 1, slowSeen.getLast());
            RingStats stats = ring.stats();
            assertEquals(total, stats.published());
            assertTrue(stats.lossy());
            assertTrue(stats.laps() >= 1);
            assertEquals(2, stats.subscribers().size());
            assertEquals(Set.of(0L, slow.lostRecords()),
                Set.copyOf(stats.subscribers().stream().map(RingStats.SubscriberStats::lost).toList()),
                "each subscriber's losses are readable from the file");
            stats.subscribers().forEach(sub -> {
                assertTrue(sub.alive());
                assertEquals(0, sub.lag(), "both drained");
                assertEquals(ProcessHandle.current().pid(), sub.pid());
            });
        }
        try (BufferPool again = BufferPool.open(pool)) {
            assertEquals(64, again.stats().totalFree(), "overwritten references were released all the same");
        }
    }

    @Test
    void concurrentPublicationsFromManyThreadsNeverInterleave() throws Exception {
        try (BufferPool p = BufferPool.create(pool, PoolConfig.builder().sizeClass(256, 64).build());
             Ring ring = Ring.create(name, RingConfig.builder().capacity(16384).pool(pool).build());
             Subscription sub = ring.subscription();
             Publication first = ring.concurrentPublication();
             Publication second = ring.concurrentPublication()) {
            assertThrows(XmemException.class, ring::publication, "no exclusive one beside concurrent ones");
            int threads = 4;
            int each = 5_000;
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Publication pub = t % 2 == 0 ? first : second;
                int id = t;
                workers.add(new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        long r;
                        do {
                            if (i % 7 == 0) {
                                try (Buffer buf = p.acquire(16, Duration.ofSeconds(10))) {
                                    buf.segment().set(ValueLayout.JAVA_LONG, 0, id);
                                    buf.segment().set(ValueLayout.JAVA_LONG, 8, i);
                                    r = pub.offer(buf, 0, 16, id, i);
                                }
                            } else {
                                r = pub.offer(MemorySegment.ofArray(new long[] {id, i, id ^ i}));
                            }
                        } while (r == Publication.BACK_PRESSURED);
                        assertTrue(r > 0);
                    }
                }));
            }
            workers.forEach(Thread::start);
            int[] next = new int[threads];
            int total = 0;
            long deadline = System.nanoTime() + 60_000_000_000L; // hang guard
            while (total < threads * each && System.nanoTime() < deadline) {
                total += sub.poll(m -> {
                    MemorySegment s = m.segment();
                    int id = (int) s.get(ValueLayout.JAVA_LONG, 0);
                    int i = (int) s.get(ValueLayout.JAVA_LONG, 8);
                    if (m.isInline()) {
                        assertEquals(24, m.length());
                        assertEquals(id ^ i, s.get(ValueLayout.JAVA_LONG, 16), "a record is never torn or mixed");
                    } else {
                        assertEquals(id, m.timestamp());
                        assertEquals(i, m.tag());
                    }
                    assertEquals(next[id], i, "each thread's records arrive in its order, none lost");
                    next[id]++;
                }, 100);
            }
            for (Thread w : workers) {
                w.join(10_000);
            }
            assertEquals(threads * each, total);
        }
        try (BufferPool again = BufferPool.open(pool)) {
            assertEquals(64, again.stats().totalFree());
        }
    }

    @Test
    void whatNoSubscriberWillReadIsUnpinnedAndAnAbandonedClaimDoesNotWedgeTheRing() {
        try (BufferPool p = newPool();
             Ring ring = Ring.create(name, RingConfig.builder().capacity(8192).pool(pool).build())) {
            try (Publication pub = ring.publication()) {
                Subscription sub = ring.subscription();
                for (int i = 0; i < 3; i++) {
                    try (Buffer b = p.acquire(10)) {
                        assertTrue(pub.offer(b) > 0);
                    }
                }
                sub.close(); // leaves without reading: nobody ever will
                long r;
                do {
                    try (Buffer b = p.acquire(10)) {
                        r = pub.offer(b); // the cached limit may let a few through
                    }
                } while (r > 0);
                assertEquals(Publication.NOT_CONNECTED, r);
            }
            assertEquals(8, p.stats().totalFree(), "every pin of an unread record was released");

            try (Subscription sub = ring.subscription()) {
                Publication first = ring.concurrentPublication();
                assertTrue(first.tryClaim(8) > 0);
                first.close(); // with its claim open: the turn must be given back
                try (Publication second = ring.concurrentPublication()) {
                    assertTrue(second.offer(MemorySegment.ofArray(new byte[8])) > 0, "the ring is not wedged");
                }
                assertEquals(1, sub.poll(m -> { }, 10), "the abandoned claim published nothing");
            }
        }
    }

    @Test
    void withoutWakeupsAwaitStillSeesNewRecords() throws Exception {
        try (Ring ring = Ring.create(name, RingConfig.builder().capacity(4096).wakeups(false).build());
             Publication pub = ring.publication();
             Subscription sub = ring.subscription()) {
            assertFalse(sub.await(Duration.ofMillis(20)), "nothing published: times out");
            Thread publisher = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                pub.offer(MemorySegment.ofArray(new long[] {7}));
            });
            publisher.start();
            assertTrue(sub.await(Duration.ofSeconds(30)), "a record arrived");
            assertEquals(1, sub.poll(m -> assertEquals(7, m.getLong(0)), 10));
            publisher.join();
        }
        try (Ring again = Ring.open(name)) {
            assertFalse(again.stats().lossy());
        }
    }

    @Test
    void agronaIdleStrategiesWrapPollAsTheyAre() throws Exception {
        try (Ring ring = Ring.create(name, RingConfig.builder().capacity(4096).build());
             Publication pub = ring.publication();
             Subscription sub = ring.subscription()) {
            IdleStrategy idle = new BackoffIdleStrategy(
                10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
            List<Long> got = new ArrayList<>();
            Thread reader = new Thread(() -> {
                while (got.size() < 1000) {
                    idle.idle(sub.poll(m -> got.add(m.getLong(0)), 16)); // resets on work, backs off on none
                }
            });
            reader.start();
            for (long i = 0; i < 1000; i++) {
                while (pub.offer(MemorySegment.ofArray(new long[] {i})) < 0) {
                    Thread.onSpinWait();
                }
            }
            reader.join(30_000);
            assertFalse(reader.isAlive());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, got.get(i));
            }
        }
    }
}
