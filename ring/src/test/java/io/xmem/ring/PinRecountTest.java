package io.xmem.ring;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.internal.FaultPoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Ring.recountPins} closes the two leak windows a death can leave (issue 13, item 6): a
 * releaser killed between its CAS of the release position and the unpins of that batch, and a
 * publisher killed between pinning a buffer and committing its record. Each child is stopped
 * exactly inside the window ({@code -Dxmem.faultPoint}, where it halts as abruptly as kill -9),
 * the leak is seen first, then the recount gives every buffer back. Pins that records still own
 * are never touched, and nothing is done while another process uses the pool.
 */
class PinRecountTest {
    private static final int BUFFERS = 8;
    private static final Duration DEATH = Duration.ofSeconds(30);

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    private String pool;
    private String ring;
    private BufferPool p;

    private void poolAndRing() {
        pool = fx.pool();
        ring = fx.ring();
        p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(Payloads.REF_SIZE, BUFFERS).build()));
        try (Ring r = Ring.create(ring, RingConfig.builder().capacity(16 * 1024).pool(pool).build())) {
            assertEquals(16 * 1024, r.capacity()); // made for the children; closed here, as a recount needs
        }
    }

    private RingChildJvm child(String role, String... flags) {
        RingChildJvm child = fx.child(flags);
        child.ok("OPEN " + ring);
        child.ok(role + " " + ring);
        return child;
    }

    /** Sends {@code command} to a child armed with a fault point and sees it halt there. */
    private static void dies(RingChildJvm child, String command) {
        AssertionError noAnswer = assertThrows(AssertionError.class, () -> child.call(command, DEATH));
        assertEquals(FaultPoints.EXIT_STATUS, child.awaitExit(), noAnswer.getMessage());
        assertTrue(child.diagnostics().contains("FAULT "), child.diagnostics());
    }

    @Test
    void aPublisherKilledBetweenItsPinAndItsCommitLeaksOneBufferUntilTheRecount() {
        poolAndRing();
        RingChildJvm reader = child("SUB");
        RingChildJvm writer = child("PUB", "-Dxmem.faultPoint=" + FaultPoints.PUBLISHER_AFTER_PIN);

        dies(writer, "OFFER " + ring + " 0 1");
        reader.kill9();
        p.reclaim(); // what the dead held themselves
        assertEquals(BUFFERS - 1, p.stats().totalFree(), "the pin of a record never committed keeps one buffer");

        PinRecount r = Ring.recountPins(pool, PoolConfig.DEFAULT_DIRECTORY);
        assertTrue(r.done(), r.toString());
        assertEquals(List.of(ring), r.rings());
        assertEquals(1, r.pinsDropped(), r.toString());
        assertEquals(1, r.buffersFreed(), r.toString());
        assertEquals(List.of(), r.problems());
        assertEquals(BUFFERS, p.stats().totalFree());
    }

    @Test
    void aReleaserKilledBetweenItsCasAndItsUnpinsLeaksItsBatchUntilTheRecount() {
        poolAndRing();
        RingChildJvm reader = child("SUB", "-Dxmem.faultPoint=" + FaultPoints.RELEASER_AFTER_CAS);
        RingChildJvm writer = child("PUB");
        for (int seq = 0; seq < 5; seq++) {
            assertTrue(Long.parseLong(writer.ok("OFFER " + ring + " " + seq + " 1")) >= 0);
        }

        // The reader reads all five, then releases: its CAS moves past them, and it dies there.
        dies(reader, "POLL " + ring + " 10 1");
        writer.kill9();
        p.reclaim();
        assertEquals(BUFFERS - 5, p.stats().totalFree(), "the batch the releaser claimed keeps its pins");

        PinRecount r = Ring.recountPins(pool, PoolConfig.DEFAULT_DIRECTORY);
        assertTrue(r.done(), r.toString());
        assertEquals(5, r.pinsDropped(), r.toString());
        assertEquals(5, r.buffersFreed(), r.toString());
        assertEquals(BUFFERS, p.stats().totalFree());
    }

    @Test
    void pinsThatRecordsOwnAreKeptAndNothingIsDoneWhileAnotherProcessUsesThePool() {
        poolAndRing();
        RingChildJvm reader = child("SUB"); // never polls
        RingChildJvm writer = child("PUB");
        for (int seq = 0; seq < 3; seq++) {
            assertTrue(Long.parseLong(writer.ok("OFFER " + ring + " " + seq + " 1")) >= 0);
        }

        PinRecount busy = Ring.recountPins(pool, PoolConfig.DEFAULT_DIRECTORY);
        assertFalse(busy.done());
        assertTrue(busy.notDoneBecause().contains("another live process uses pool"), busy.notDoneBecause());

        reader.kill9();
        writer.kill9();
        p.reclaim();
        PinRecount quiet = Ring.recountPins(pool, PoolConfig.DEFAULT_DIRECTORY);
        assertTrue(quiet.done(), quiet.toString());
        assertEquals(0, quiet.pinsDropped(), "three unread records own their three pins");
        assertEquals(BUFFERS - 3, p.stats().totalFree());

        assertTrue(Ring.delete(ring)); // nobody will read them: now they go
        assertEquals(BUFFERS, p.stats().totalFree());
    }

    @Test
    void aJvmWithARingOfThePoolOpenMayNotRecount() {
        poolAndRing();
        try (Ring open = Ring.open(ring)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Ring.recountPins(pool, PoolConfig.DEFAULT_DIRECTORY));
            assertTrue(e.getMessage().contains("close it before recounting"), e.getMessage());
            assertEquals(ring, open.name());
        }
    }
}
