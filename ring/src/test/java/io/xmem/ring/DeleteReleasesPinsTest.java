package io.xmem.ring;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.xmem.ring.RingCrossProcessStreamTest.STREAM_GUARD;
import static io.xmem.ring.RingCrossProcessStreamTest.publisher;
import static io.xmem.ring.RingCrossProcessStreamTest.subscriber;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Ring.delete} gives back the buffers of records nobody will read (issue 13, item 6: in 0.1
 * the pins of unread records outlived a deleted ring, until the pool was recreated).
 */
class DeleteReleasesPinsTest {
    private static final int BUFFERS = 8;

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @Test
    void deletingARingWhoseUsersWereKilledUnpinsItsUnreadRecords() {
        String pool = fx.pool();
        String name = fx.ring();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(Payloads.REF_SIZE, BUFFERS)
            .build()));
        try (Ring ring = Ring.create(name, RingConfig.builder().capacity(16 * 1024).pool(pool).build())) {
            assertEquals(16 * 1024, ring.capacity());
        }
        RingChildJvm reader = subscriber(fx, name); // never polls
        RingChildJvm writer = publisher(fx, name);
        writer.ok("PUBLISH " + name + " 0 " + BUFFERS + " 1");
        Map<String, String> done = writer.okPairs("AWAIT " + STREAM_GUARD.toMillis(), STREAM_GUARD.plusSeconds(5));
        assertEquals(Integer.toString(BUFFERS), done.get("published"), done.toString());
        writer.kill9();
        reader.kill9();
        p.reclaim(); // whatever the dead processes held themselves
        assertEquals(0, p.stats().totalFree(), "the ring's pins alone keep every buffer");
        assertTrue(Ring.delete(name));
        assertFalse(RingFixture.ringFile(name).toFile().exists());
        assertEquals(BUFFERS, p.stats().totalFree(), "every unread record's pin was dropped with the ring");
    }
}
