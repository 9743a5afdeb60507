package io.xmem.tools;

import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.RingInspection;
import io.xmem.ring.RingStats;
import io.xmem.ring.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What {@code xmem stat} shows of a ring in full flow (issue 15, defect 6): a subscriber is never
 * ahead of the tail. The inspection read the tail before the positions (fixed on main since), and a
 * subscriber reads a record as soon as it is committed, before its publisher stores the tail: either
 * way stat showed a position one record beyond the tail.
 */
class StatWhileBusyTest {
    /** Looks this many times while a publisher and a subscriber race; without the fix it failed within 20. */
    private static final int LOOKS = 400;
    private static final long HANG_GUARD_NANOS = TimeUnit.SECONDS.toNanos(60);

    @TempDir
    Path dir;

    @Test
    void aSubscriberIsNeverAheadOfTheTail() throws Exception {
        String name = "xmem-tools-busy-" + ProcessHandle.current().pid();
        AtomicBoolean running = new AtomicBoolean(true);
        try (Ring ring = Ring.create(name, RingConfig.builder().directory(dir).capacity(64 * 1024).build());
             Subscription subscription = ring.subscription()) {
            Thread publisher = Thread.ofPlatform().start(() -> {
                MemorySegment message = MemorySegment.ofArray(new long[2]);
                try (Publication publication = ring.publication()) {
                    while (running.get()) {
                        publication.offer(message);
                    }
                }
            });
            Thread reader = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    subscription.poll(m -> { }, 16);
                }
            });
            try {
                long deadline = System.nanoTime() + HANG_GUARD_NANOS;
                for (int look = 0; look < LOOKS && System.nanoTime() - deadline < 0; look++) {
                    RingStats stats = RingInspection.inspect(name, dir).stats();
                    for (RingStats.SubscriberStats s : stats.subscribers()) {
                        if (s.position() > stats.tail()) {
                            fail("look " + look + ": subscriber " + s.index() + " at " + s.position()
                                + ", ahead of the tail " + stats.tail());
                        }
                    }
                }
            } finally {
                running.set(false);
                publisher.join();
                reader.join();
            }
            assertTrue(ring.tail() > 0, "the publisher published");
        } finally {
            Ring.delete(name, dir);
        }
    }
}
