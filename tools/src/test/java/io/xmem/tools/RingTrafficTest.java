package io.xmem.tools;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.RingInspection;
import io.xmem.ring.RingTraffic;
import io.xmem.ring.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RingInspection#traffic}, what {@code xmem stat --watch} shows as bytes moved by reference:
 * records, inline bytes and referenced bytes read from the log from outside, and only what is still
 * there once the log has wrapped.
 */
class RingTrafficTest {
    private static final int CAPACITY = 4096;

    @TempDir
    Path dir;

    private final String name = "xmem-tools-traffic-" + ProcessHandle.current().pid();

    @AfterEach
    void delete() {
        Ring.delete(name, dir);
        BufferPool.delete(name, dir);
    }

    @Test
    void countsInlineAndReferencedPayloadSinceAPosition() {
        try (BufferPool pool = BufferPool.create(name, PoolConfig.builder().directory(dir).sizeClass(4096, 8).build());
             Ring ring = Ring.create(name, RingConfig.builder().directory(dir).pool(name).capacity(CAPACITY).build());
             Subscription subscription = ring.subscription();
             Publication publication = ring.publication()) {
            assertTrue(publication.offer(MemorySegment.ofArray(new byte[10])) > 0);
            long afterFirst = ring.tail();
            for (int i = 0; i < 3; i++) {
                try (Buffer buffer = pool.acquire(1000)) {
                    assertTrue(publication.offer(buffer, 0, 700 + i, 0, i) > 0);
                }
            }
            assertTrue(publication.offer(MemorySegment.ofArray(new byte[40])) > 0);

            assertEquals(new RingTraffic(0, ring.tail(), 5, 50, 2103), RingInspection.traffic(name, dir, 0));
            assertEquals(new RingTraffic(afterFirst, ring.tail(), 4, 40, 2103),
                RingInspection.traffic(name, dir, afterFirst));
            assertEquals(new RingTraffic(ring.tail(), ring.tail(), 0, 0, 0),
                RingInspection.traffic(name, dir, ring.tail()), "nothing new");
            subscription.poll(m -> { }, 100);
        }
    }

    @Test
    void afterTheLogWrappedOnlyWhatIsStillThereIsCounted() {
        try (Ring ring = Ring.create(name, RingConfig.builder().directory(dir).capacity(CAPACITY).lossy(true).build());
             Subscription idle = ring.subscription(); // never reads: a lossy ring laps it
             Publication publication = ring.publication()) {
            MemorySegment message = MemorySegment.ofArray(new byte[40]); // 64-byte records
            for (int i = 0; i < 200; i++) { // more than three logs
                assertTrue(publication.offer(message) > 0);
            }
            RingTraffic t = RingInspection.traffic(name, dir, 0);

            assertEquals(ring.tail(), t.to());
            assertTrue(t.from() >= ring.tail() - CAPACITY && t.from() % 64 == 0, t.toString());
            assertEquals((t.to() - t.from()) / 64, t.records(), t.toString());
            assertEquals(40 * t.records(), t.inlineBytes(), t.toString());
        }
    }
}
