package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.XmemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Publication.send(Buffer)}: the handle is handed to the ring. Its reference becomes the
 * record's pin (in place when it was the last handle here), the handle is closed, and the buffer
 * comes free once every subscriber has read it; a refused send leaves the handle open and the
 * buffer as it was.
 */
class SendBufferTest {
    private static final int BUFFERS = 4;
    private static final int SIZE = 4096;

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    private BufferPool pool;
    private Ring ring;

    private void ringOf(int capacity) {
        String poolName = fx.pool();
        pool = fx.track(BufferPool.create(poolName, PoolConfig.builder().sizeClass(SIZE, BUFFERS).build()));
        ring = fx.track(Ring.create(fx.ring(), RingConfig.builder().capacity(capacity).pool(poolName).build()));
    }

    private Buffer filled(int length, int seed) {
        Buffer b = pool.acquire(length);
        for (int i = 0; i < length; i++) {
            b.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (seed + i));
        }
        return b;
    }

    private static void assertPattern(MemorySegment bytes, int length, int seed) {
        assertEquals(length, bytes.byteSize());
        for (int i = 0; i < length; i++) {
            assertEquals((byte) (seed + i), bytes.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
        }
    }

    @Test
    void theLastHandleBecomesTheRingsPinAndTheBufferComesFreeOnceRead() {
        ringOf(64 * 1024);
        try (Subscription sub = ring.subscription(); Publication pub = ring.publication()) {
            Buffer frame = filled(1000, 3);
            long token = frame.token();
            assertTrue(pub.send(frame, 7, 9) >= 0);

            assertTrue(frame.isClosed(), "sent: the handle is the ring's now");
            assertThrows(IllegalStateException.class, frame::segment);
            assertEquals(0, pool.holders(token), "no process holds it: the record's pin alone keeps it");
            assertEquals(BUFFERS - 1, pool.stats().totalFree(), "pinned, so not free");

            List<Long> headers = new ArrayList<>();
            assertEquals(1, sub.poll(m -> {
                assertPattern(m.segment(), 1000, 3);
                headers.add(m.token());
                headers.add(m.timestamp());
                headers.add(m.tag());
            }, 10));
            assertEquals(List.of(token, 7L, 9L), headers);
            assertEquals(BUFFERS, pool.stats().totalFree(), "read by the only subscriber: free again");
        }
    }

    @Test
    void anotherHandleOnTheBufferStaysValidAfterTheSend() {
        ringOf(64 * 1024);
        try (Subscription sub = ring.subscription(); Publication pub = ring.publication()) {
            Buffer frame = filled(500, 11);
            Buffer kept = frame.retain();
            assertTrue(pub.send(frame) >= 0);

            assertTrue(frame.isClosed());
            assertFalse(kept.isClosed());
            assertTrue(pool.holders(kept.token()) != 0, "this process still holds it through the other handle");
            assertPattern(kept.segment(), 500, 11);
            assertEquals(1, sub.poll(m -> assertPattern(m.segment(), 500, 11), 10));
            assertEquals(BUFFERS - 1, pool.stats().totalFree(), "read, but the other handle still holds it");
            kept.close();
            assertEquals(BUFFERS, pool.stats().totalFree());
        }
    }

    @Test
    void aRefusedSendLeavesTheHandleOpenAndTheBufferAsItWas() {
        ringOf(4096);
        try (Subscription sub = ring.subscription(); Publication pub = ring.publication()) {
            MemorySegment small = MemorySegment.ofArray(new byte[200]);
            int published = 0;
            while (pub.offer(small) >= 0) {
                published++; // the subscriber does not read: the log fills
            }
            Buffer frame = filled(100, 5);
            long token = frame.token();
            long holders = pool.holders(token);

            assertEquals(Publication.BACK_PRESSURED, pub.send(frame));
            assertFalse(frame.isClosed(), "refused: still the caller's");
            assertEquals(holders, pool.holders(token));
            assertPattern(frame.segment(), 100, 5);

            assertEquals(published, sub.poll(m -> { }, Integer.MAX_VALUE));
            assertTrue(pub.send(frame) >= 0, "sent once there is room");
            assertTrue(frame.isClosed());
            assertEquals(1, sub.poll(m -> assertPattern(m.segment(), 100, 5), 10));
            assertEquals(BUFFERS, pool.stats().totalFree());
        }
    }

    @Test
    void aConcurrentPublicationSendsTheSameWay() {
        ringOf(64 * 1024);
        try (Subscription sub = ring.subscription(); Publication pub = ring.concurrentPublication()) {
            for (int k = 0; k < 3 * BUFFERS; k++) {
                Buffer frame = filled(64, k);
                assertTrue(pub.send(frame) >= 0);
                assertTrue(frame.isClosed());
                int seed = k;
                assertEquals(1, sub.poll(m -> assertPattern(m.segment(), 64, seed), 10));
            }
            assertEquals(BUFFERS, pool.stats().totalFree(), "every buffer came back, the pool used three times over");
        }
    }

    @Test
    void badSendsAreRefusedWithNothingChanged() {
        ringOf(64 * 1024);
        String otherName = fx.pool();
        BufferPool other = fx.track(BufferPool.create(otherName, PoolConfig.builder().sizeClass(SIZE, 1).build()));
        try (Publication pub = ring.publication(); Buffer foreign = other.acquire(10)) {
            XmemException e = assertThrows(XmemException.class, () -> pub.send(foreign));
            assertTrue(e.getMessage().contains("is not from pool"), e.getMessage());
            assertFalse(foreign.isClosed());

            Buffer closed = pool.acquire(10);
            closed.close();
            assertThrows(IllegalStateException.class, () -> pub.send(closed));
            assertEquals(BUFFERS, pool.stats().totalFree());
        }
    }
}
