package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.internal.PoolAccess;
import io.xmem.pool.internal.SlotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.xmem.ring.RingCrossProcessStreamTest.subscriber;
import static org.junit.jupiter.api.Assertions.*;

/** Two rings on one pool referring to the same buffer: it is freed only when both rings' subscribers passed. */
class RingSharedPoolTest {
    private static final int BUFFERS = 8;

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @Test
    void aBufferInTwoRingsIsReleasedOnlyWhenBothRingsSubscribersPassed() {
        String pool = fx.pool();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(Payloads.REF_SIZE,
            BUFFERS).build()));
        String a = fx.ring();
        String b = fx.ring();
        fx.track(Ring.create(a, RingConfig.builder().capacity(4096).pool(pool).build()));
        fx.track(Ring.create(b, RingConfig.builder().capacity(4096).pool(pool).build()));
        RingChildJvm subA = subscriber(fx, a);
        RingChildJvm subB = subscriber(fx, b);
        RingChildJvm pub = fx.child();
        for (String ring : List.of(a, b)) {
            pub.ok("OPEN " + ring);
            pub.ok("PUB " + ring);
        }

        long seq = 9;
        for (boolean aFirst : new boolean[] {true, false}) {
            long token = Long.parseUnsignedLong(pub.ok("OFFERREF2 " + seq + " " + a + " " + b), 16);
            assertEquals(BUFFERS - 1, p.stats().totalFree(),
                "pinned by both rings after the publisher closed its handle");
            assertEquals(2, pins(p, token));
            assertEquals(0, p.holders(token), "no process holds it: only the rings' pins");

            RingChildJvm first = aFirst ? subA : subB;
            RingChildJvm second = aFirst ? subB : subA;
            assertPolled(first.okPairs("POLL " + (aFirst ? a : b) + " 10 10"), seq);
            assertEquals(1, pins(p, token), "the first ring let go; the other still holds it");
            assertEquals(BUFFERS - 1, p.stats().totalFree());

            // Take every free buffer and scribble on it: a buffer freed too early would be among them.
            List<Buffer> grabbed = new ArrayList<>();
            for (Buffer g; (g = p.tryAcquire(Payloads.REF_SIZE)) != null; ) {
                g.segment().fill((byte) 0x5A);
                grabbed.add(g);
            }
            assertEquals(BUFFERS - 1, grabbed.size());
            assertTrue(grabbed.stream().noneMatch(g ->
                SlotDescriptor.tokenSlot(g.token()) == SlotDescriptor.tokenSlot(token)));
            assertPolled(second.okPairs("POLL " + (aFirst ? b : a) + " 10 10"), seq); // pattern intact
            grabbed.forEach(Buffer::close);

            assertEquals(0, pins(p, token));
            assertEquals(BUFFERS, p.stats().totalFree(), "released once both rings' subscribers passed");
            seq += 10;
        }
    }

    private static void assertPolled(Map<String, String> r, long seq) {
        assertEquals("1", r.get("n"), r.toString());
        assertEquals(Long.toString(seq), r.get("seqs"), r.toString());
        assertEquals("0", r.get("errors"), "payload checked in the subscriber: " + r);
    }

    private static int pins(BufferPool p, long token) {
        return SlotDescriptor.pins(PoolAccess.mapped(p).references().slotState(SlotDescriptor.tokenSlot(token)));
    }
}
