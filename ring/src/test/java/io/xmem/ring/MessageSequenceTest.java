package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Message#sequence()}: what a recorder and a late joiner decide their seams by. */
class MessageSequenceTest {
    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @Test
    void aLateSubscriberSeesTheRingsNumbersInlineAndByReference() {
        String pool = fx.pool();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(4096, 4).build()));
        Ring ring = fx.track(Ring.create(fx.ring(), RingConfig.builder().capacity(8192).pool(pool).build()));
        Publication pub = fx.track(ring.publication());
        Subscription early = fx.track(ring.subscription());
        for (int i = 0; i < 5; i++) {
            assertTrue(pub.offer(MemorySegment.ofArray(new byte[8])) > 0);
        }
        early.poll(m -> { }, 10);
        Subscription late = fx.track(ring.subscription());
        for (int i = 0; i < 6; i++) {
            if (i % 2 == 0) {
                assertTrue(pub.offer(MemorySegment.ofArray(new byte[8])) > 0);
            } else {
                try (Buffer b = p.acquire(16)) {
                    assertTrue(pub.offer(b) > 0);
                }
            }
        }
        List<Long> seen = new ArrayList<>();
        late.poll(m -> seen.add(m.sequence()), 100);
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), seen);
    }

    @Test
    void aLossySubscribersGapIsExactlyWhatItLost() {
        Ring ring = fx.track(Ring.create(fx.ring(), RingConfig.builder().capacity(4096).lossy(true).build()));
        Publication pub = fx.track(ring.publication());
        Subscription sub = fx.track(ring.subscription());
        for (int i = 0; i < 1000; i++) { // many laps: the subscriber is overtaken
            assertTrue(pub.offer(MemorySegment.ofArray(new byte[16])) > 0);
        }
        List<Long> seen = new ArrayList<>();
        sub.poll(m -> seen.add(m.sequence()), 1000); // finds itself lapped: resumes at the tail
        for (int i = 0; i < 5; i++) {
            assertTrue(pub.offer(MemorySegment.ofArray(new byte[16])) > 0);
        }
        sub.poll(m -> seen.add(m.sequence()), 1000);
        assertEquals(1004L, seen.getLast(), "reads up to the newest record: " + seen);
        long gaps = seen.getFirst();
        for (int i = 1; i < seen.size(); i++) {
            gaps += seen.get(i) - seen.get(i - 1) - 1;
        }
        assertEquals(sub.lostRecords(), gaps);
    }
}
