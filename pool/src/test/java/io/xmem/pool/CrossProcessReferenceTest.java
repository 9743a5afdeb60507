package io.xmem.pool;

import io.xmem.pool.internal.SlotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.xmem.pool.ChildJvm.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * References across processes: a buffer stays held while any process holds a handle, each
 * process shows as one bit in the holder mask however many handles it has, stale tokens
 * attach to nothing, and exhaustion in one process is seen by the other.
 */
class CrossProcessReferenceTest {
    private static final int SMALL_COUNT = 4;
    private static final long BIG = 1 << 20;
    private static final int BIG_COUNT = 2;

    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    private static PoolConfig config() {
        return PoolConfig.builder().sizeClass(4096, SMALL_COUNT).sizeClass(BIG, BIG_COUNT).build();
    }

    private static int smallFree(BufferPool pool) {
        return pool.stats().sizeClasses().get(0).free();
    }

    private static long myBit(BufferPool pool) {
        return 1L << pool.participantIndex();
    }

    @Test
    void parentReleasesFirstThenChild() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        assertNotEquals(pool.participantIndex(), child.index(), "two processes, two participant entries");

        Buffer b = pool.acquire(100);
        long token = b.token();
        assertEquals(myBit(pool), pool.holders(token));
        assertEquals(SMALL_COUNT - 1, smallFree(pool));

        assertEquals("100", child.ok("ATTACH " + hex(token)));
        assertEquals(myBit(pool) | child.bit(), pool.holders(token));
        assertEquals(hex(myBit(pool) | child.bit()), child.ok("HOLDERS " + hex(token)), "both sides see one mask");

        b.close();
        assertEquals(child.bit(), pool.holders(token), "the child's reference keeps the buffer");
        assertEquals(SMALL_COUNT - 1, smallFree(pool));
        assertEquals(SMALL_COUNT - 1 + "," + BIG_COUNT, child.ok("FREE"));

        child.ok("CLOSE " + hex(token));
        assertEquals(0, pool.holders(token));
        assertEquals(SMALL_COUNT, smallFree(pool));
        assertThrows(StaleTokenException.class, () -> pool.attach(token));
    }

    @Test
    void childReleasesFirstThenParent() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();

        long token = ChildJvm.token(child.ok("ACQUIRE 200"));
        assertEquals(child.bit(), pool.holders(token));
        Buffer b = pool.attach(token);
        assertEquals(200, b.length());
        assertEquals(myBit(pool) | child.bit(), pool.holders(token));

        child.ok("CLOSE " + hex(token));
        assertEquals(myBit(pool), pool.holders(token), "our reference keeps the buffer");
        assertEquals(SMALL_COUNT - 1, smallFree(pool));

        b.close();
        assertEquals(0, pool.holders(token));
        assertEquals(SMALL_COUNT, smallFree(pool));
        assertEquals("StaleTokenException", child.errType("ATTACH " + hex(token)));
    }

    @Test
    void manyHandlesInOneProcessAreOneBit() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        Buffer b = pool.acquire(10);
        String token = hex(b.token());
        child.ok("ATTACH " + token);
        child.ok("ATTACH " + token);
        child.ok("RETAIN " + token);
        Buffer second = b.retain();
        b.close();
        long both = myBit(pool) | child.bit();
        assertEquals(both, pool.holders(b.token()));
        for (int open = 3; open > 1; open--) {
            child.ok("CLOSE " + token);
            assertEquals(both, pool.holders(b.token()), "the child still has " + (open - 1) + " handles");
        }
        child.ok("CLOSE " + token);
        assertEquals(myBit(pool), pool.holders(b.token()), "the child's last handle clears its bit");
        assertTrue(child.errType("CLOSE " + token).equals("IllegalStateException"), "no fourth handle to close");
        second.close();
        assertEquals(0, pool.holders(b.token()));
        assertEquals(SMALL_COUNT, smallFree(pool));
    }

    @Test
    void closingThePoolInAProcessReleasesWhatItHeld() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        Buffer ours = pool.acquire(10);
        child.ok("ATTACH " + hex(ours.token()));
        long childsOwn = ChildJvm.token(child.ok("ACQUIRE 10"));
        child.ok("ACQUIRE " + BIG);
        child.ok("RETAIN " + hex(childsOwn));
        assertEquals(SMALL_COUNT - 2, smallFree(pool));

        child.ok("CLOSEPOOL"); // with four handles still open
        assertEquals(myBit(pool), pool.holders(ours.token()), "our buffer keeps only our bit");
        assertEquals(0, pool.holders(childsOwn));
        assertEquals(pool.stats().totalBuffers() - 1, pool.stats().totalFree());
        assertEquals(1, pool.stats().participants().size(), "the child left: " + pool.stats().participants());
        assertTrue(child.isAlive());
        assertEquals(0, pool.reclaim(), "a clean leave leaves nothing to reclaim");
        ours.close();
    }

    @Test
    void staleTokensAttachToNothingInAnotherProcess() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        long released;
        try (Buffer b = pool.acquire(10)) {
            released = b.token();
        }
        assertEquals("StaleTokenException", child.errType("ATTACH " + hex(released)));

        // Reuse every slot of the class, the released one included: the old token still names nothing.
        List<Buffer> all = new ArrayList<>();
        for (int i = 0; i < SMALL_COUNT; i++) {
            all.add(pool.acquire(10));
        }
        Buffer reuse = all.stream().filter(x ->
            SlotDescriptor.tokenSlot(x.token()) == SlotDescriptor.tokenSlot(released))
            .findFirst().orElseThrow();
        assertNotEquals(released, reuse.token(), "a reused slot gets a new generation");
        assertEquals("StaleTokenException", child.errType("ATTACH " + hex(released)));
        assertEquals(myBit(pool), pool.holders(reuse.token()), "a failed attach leaves no bit behind");
        assertEquals("10", child.ok("ATTACH " + hex(reuse.token())), "the new token attaches");
        assertEquals(myBit(pool) | child.bit(), pool.holders(reuse.token()));

        // A slot beyond the pool, and a generation the slot has not reached yet.
        long slots = SMALL_COUNT + BIG_COUNT;
        assertEquals("StaleTokenException", child.errType("ATTACH " + hex(SlotDescriptor.token((int) slots + 5, 1))));
        long future = SlotDescriptor.token(SlotDescriptor.tokenSlot(reuse.token()),
            SlotDescriptor.tokenGeneration(reuse.token()) + 1);
        assertEquals("StaleTokenException", child.errType("ATTACH " + hex(future)));

        child.ok("CLOSE " + hex(reuse.token()));
        all.forEach(Buffer::close);
        assertEquals(pool.stats().totalBuffers(), pool.stats().totalFree());
    }

    @Test
    void exhaustionInOneProcessIsSeenInTheOther() throws Exception {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        String first = child.ok("ACQUIRE " + BIG);
        child.ok("ACQUIRE " + BIG);
        assertEquals("none", child.ok("TRYACQUIRE " + BIG));

        assertNull(pool.tryAcquire(BIG));
        PoolExhaustedException e = assertThrows(PoolExhaustedException.class, () -> pool.acquire(BIG));
        assertTrue(e.getMessage().contains("all " + BIG_COUNT + " buffers"), e.getMessage());
        long t0 = System.nanoTime();
        assertThrows(PoolExhaustedException.class, () -> pool.acquire(BIG, Duration.ofMillis(200)));
        assertTrue(System.nanoTime() - t0 >= 200_000_000L, "a timed acquire waits out its timeout");
        try (Buffer small = pool.acquire(100)) {
            assertNotNull(small, "other classes are not exhausted");
        }

        // A waiter in this process is served when the child releases.
        CompletableFuture<Buffer> waiter = CompletableFuture.supplyAsync(() -> pool.acquire(BIG,
            Duration.ofSeconds(30)));
        child.ok("CLOSE " + first);
        Buffer got = waiter.get(40, TimeUnit.SECONDS);
        assertEquals(pool.participantIndex(), Long.numberOfTrailingZeros(pool.holders(got.token())));
        assertEquals(0, pool.stats().sizeClasses().get(1).free());
        assertEquals("none", child.ok("TRYACQUIRE " + BIG), "and now the child finds the class exhausted");
        got.close();
        assertEquals(1, pool.stats().sizeClasses().get(1).free());
    }
}
