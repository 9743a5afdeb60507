package io.xmem.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static io.xmem.pool.ChildJvm.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hazard the design names, inside one process: a thread taking the local count 1→0 (about
 * to clear the process's holder bit) races a thread taking it 0→1 (finding the bit still set).
 * At every moment a thread that holds a handle must find its process's bit set and the bytes
 * of its own incarnation; at the end the buffer is free.
 */
class TransitionRaceTest {
    private static final long RUN_NANOS = 2_000_000_000L;
    private static final int ATTACHERS = 4;

    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    /**
     * One slot, round after round: a holder thread acquires it, tags it with its token, holds
     * it a moment and drops its handle while attachers attach and close the same token; the
     * last close frees the slot, and the next round reuses it under a new generation. Every
     * round races the last 1→0 against 0→1 attaches, and stale tokens against reuse.
     */
    @Test
    void lastReleaseRacesAttachRoundAfterRound() throws Exception {
        BufferPool pool = fx.create(PoolConfig.builder().sizeClass(64, 1).build());
        long myBit = 1L << pool.participantIndex();
        AtomicLong current = new AtomicLong();
        LongAdder rounds = new LongAdder();
        LongAdder attached = new LongAdder();
        LongAdder stale = new LongAdder();
        AtomicReference<String> failure = new AtomicReference<>();
        long end = System.nanoTime() + RUN_NANOS;
        List<Thread> threads = new ArrayList<>();

        threads.add(new Thread(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            long previous = 0;
            while (System.nanoTime() - end < 0 && failure.get() == null) {
                Buffer b = pool.tryAcquire(64); // null while an attacher still holds last round's buffer
                if (b == null) {
                    Thread.onSpinWait();
                    continue;
                }
                try {
                    long token = b.token();
                    expect(failure, token != previous, "a reused slot kept its token");
                    b.segment().set(ValueLayout.JAVA_LONG, 0, token);
                    current.set(token);
                    spin(rnd.nextInt(300));
                    expect(failure, (pool.holders(token) & myBit) != 0, "bit clear while the original handle is open");
                    expect(failure, b.segment().get(ValueLayout.JAVA_LONG, 0) == token,
                        "someone wrote into a held buffer");
                    previous = token;
                    rounds.increment();
                } finally {
                    b.close();
                }
            }
        }, "holder"));
        for (int t = 0; t < ATTACHERS; t++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (System.nanoTime() - end < 0 && failure.get() == null) {
                    long token = current.get();
                    if (token == 0) {
                        continue;
                    }
                    if (holdAndCheck(pool, token, token, myBit, rnd, failure)) {
                        attached.increment();
                    } else {
                        stale.increment();
                    }
                    spin(rnd.nextInt(100)); // let the count fall to zero now and then
                }
            }, "attacher-" + t));
        }

        runAll(threads);
        System.out.println("rounds=" + rounds.sum() + " attached=" + attached.sum() + " stale=" + stale.sum());
        assertNull(failure.get());
        assertTrue(rounds.sum() > 1 && attached.sum() > 0, "rounds " + rounds.sum() + ", attaches " + attached.sum());
        long last = current.get();
        assertEquals(0, pool.holders(last), "free at the end");
        assertEquals(1, pool.stats().totalFree());
        assertThrows(StaleTokenException.class, () -> pool.attach(last));
    }

    /**
     * A child process pins the buffer, so this process's bit can come and go without the slot
     * being freed: attachers take the local count 0→1→0 over and over, and a thread holding the
     * original handle drops it half-way. Our bit must be set whenever a handle is open here, and
     * gone once all are closed.
     */
    @Test
    void bitComesAndGoesWhileAnotherProcessPins() throws Exception {
        BufferPool pool = fx.create(PoolConfig.builder().sizeClass(64, 1).build());
        ChildJvm child = fx.childInPool();
        long myBit = 1L << pool.participantIndex();
        long token = ChildJvm.token(child.ok("ACQUIRE 64"));
        String crc = child.ok("FILL " + hex(token) + " 5");
        Buffer original = pool.attach(token);
        long tag = original.segment().get(ValueLayout.JAVA_LONG, 0);
        LongAdder attached = new LongAdder();
        AtomicReference<String> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + RUN_NANOS;
        List<Thread> threads = new ArrayList<>();

        threads.add(new Thread(() -> {
            while (System.nanoTime() - start < RUN_NANOS / 2) {
                expect(failure, (pool.holders(token) & myBit) != 0, "bit clear while the original handle is open");
                Thread.onSpinWait();
            }
            original.close();
        }, "holder"));
        for (int t = 0; t < ATTACHERS; t++) {
            threads.add(new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (System.nanoTime() - end < 0 && failure.get() == null) {
                    expect(failure, holdAndCheck(pool, token, tag, myBit, rnd, failure),
                        "the pinned buffer went stale");
                    attached.increment();
                    spin(rnd.nextInt(100));
                }
            }, "attacher-" + t));
        }

        runAll(threads);
        System.out.println("attached=" + attached.sum());
        assertNull(failure.get());
        assertEquals(child.bit(), pool.holders(token), "all our handles closed: only the child's bit is left");
        assertEquals(crc, child.ok("CRC " + hex(token)), "nobody wrote into the pinned buffer");
        child.ok("CLOSE " + hex(token));
        assertEquals(0, pool.holders(token));
        assertEquals(1, pool.stats().totalFree());
    }

    /**
     * Attaches {@code token}, checks our bit and that offset 0 holds {@code expectedTag} while holding (sometimes
     * through a retained handle after closing the attached one); false if the token was stale.
     */
    private static boolean holdAndCheck(BufferPool pool, long token, long expectedTag, long myBit,
                                        ThreadLocalRandom rnd, AtomicReference<String> failure) {
        Buffer a;
        try {
            a = pool.attach(token);
        } catch (StaleTokenException e) {
            return false;
        }
        try {
            expect(failure, a.segment().get(ValueLayout.JAVA_LONG, 0) == expectedTag,
                "an attached handle sees another incarnation's bytes");
            expect(failure, (pool.holders(token) & myBit) != 0, "bit clear while holding an attached handle");
            if (rnd.nextInt(4) == 0) {
                Buffer r = a.retain();
                a.close(); // the retained handle alone keeps the count up
                a = r;
                expect(failure, (pool.holders(token) & myBit) != 0, "bit clear while holding a retained handle");
            }
            spin(rnd.nextInt(50));
            expect(failure, a.segment().get(ValueLayout.JAVA_LONG, 0) == expectedTag,
                "bytes changed under a held handle");
            return true;
        } finally {
            a.close();
        }
    }

    private static void runAll(List<Thread> threads) throws InterruptedException {
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(RUN_NANOS / 1_000_000 + 60_000); // hang guard
            assertFalse(t.isAlive(), t.getName() + " hangs");
        }
    }

    private static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    private static void expect(AtomicReference<String> failure, boolean ok, String what) {
        if (!ok) {
            failure.compareAndSet(null, what + " (" + Thread.currentThread().getName() + ")");
        }
    }
}
