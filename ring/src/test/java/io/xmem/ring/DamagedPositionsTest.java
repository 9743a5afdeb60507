package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.internal.RingHeaderDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Positions and heads read from a damaged ring file: each is a {@link CorruptRingException}
 * naming the problem, never an exception of the memory API and never an endless loop (found by
 * a fuzzing campaign against 0.1: 54 and 13 of 2,000 corrupted files).
 */
class DamagedPositionsTest {
    private static final int CAPACITY = 4096;
    /** Hang guard only: every case ends in microseconds. */
    private static final Duration GUARD = Duration.ofSeconds(30);

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    @ParameterizedTest
    @ValueSource(longs = {33, 4096 - 8, -64})
    void aTailThatIsNoRecordBoundaryStopsPublisherAndSubscriber(long tail) {
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).build()));
        Path file = RingFixture.ringFile(name);
        RingFiles.writeLong(file, RingHeaderDescriptor.TAIL_OFFSET, tail);
        CorruptRingException e = assertThrows(CorruptRingException.class, ring::subscription);
        assertTrue(e.getMessage().contains("tail is " + tail), e.getMessage());
        e = assertThrows(CorruptRingException.class, ring::publication);
        assertTrue(e.getMessage().contains("tail is " + tail), e.getMessage());
    }

    @Test
    void aReleasePositionThatIsNoRecordBoundaryIsDamage() {
        String pool = fx.pool();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(256, 8).build()));
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).pool(pool).build()));
        Subscription sub = ring.subscription();
        Publication pub = ring.publication();
        try (Buffer b = p.acquire(100)) {
            assertTrue(pub.offer(b) > 0); // a reference: passing it releases pins at once
        }
        Path file = RingFixture.ringFile(name);
        long release = RingFiles.readLong(file, RingHeaderDescriptor.RELEASE_POSITION_OFFSET);
        RingFiles.writeLong(file, RingHeaderDescriptor.RELEASE_POSITION_OFFSET, 40);
        CorruptRingException e = assertThrows(CorruptRingException.class, () -> sub.poll(m -> { }, 10));
        assertTrue(e.getMessage().contains("release position is 40"), e.getMessage());
        RingFiles.writeLong(file, RingHeaderDescriptor.RELEASE_POSITION_OFFSET, release); // so the closes can unpin
    }

    @Test
    void aTailBelowTheReleasePositionNeverMovesItBack() {
        String pool = fx.pool();
        fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(256, 8).build()));
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).pool(pool).build()));
        Subscription sub = ring.subscription();
        Publication pub = ring.publication();
        for (int i = 0; i < 4; i++) {
            assertTrue(pub.offer(MemorySegment.ofArray(new byte[16])) > 0); // inline only: releases skip the walk
        }
        assertEquals(4, sub.poll(m -> { }, 10));
        Path file = RingFixture.ringFile(name);
        RingFiles.writeLong(file, RingHeaderDescriptor.RELEASE_POSITION_OFFSET, 64);
        RingFiles.writeLong(file, RingHeaderDescriptor.TAIL_OFFSET, 32); // damage: below the release position
        assertEquals(0, sub.poll(m -> { }, 10)); // nothing new: the subscription releases up to where it is
        assertEquals(64, RingFiles.readLong(file, RingHeaderDescriptor.RELEASE_POSITION_OFFSET),
            "moved back, the records between would be unpinned twice");
    }

    @Test
    void aLossyWriteHeadMoreThanALogAheadOfAStillTailIsDamageNotAnEndlessLap() {
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).lossy(true).build()));
        Subscription sub = ring.subscription();
        Publication pub = ring.publication();
        for (int i = 0; i < 3; i++) {
            assertTrue(pub.offer(MemorySegment.ofArray(new byte[16])) > 0);
        }
        RingFiles.writeLong(RingFixture.ringFile(name), RingHeaderDescriptor.WRITE_HEAD_OFFSET, 1L << 40);
        CorruptRingException e = assertTimeoutPreemptively(GUARD,
            () -> assertThrows(CorruptRingException.class, () -> sub.poll(m -> { }, 10)));
        assertTrue(e.getMessage().contains("write head"), e.getMessage());
    }

    @Test
    void aConcurrentPublicationFindingItsOwnIdInTheWordFreesItAndTheNextTurnRecovers() {
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).build()));
        Subscription sub = ring.subscription();
        Path file = RingFixture.ringFile(name);
        // A holder with id 1 died holding the turn, after committing a record but before moving
        // the tail past it; the next publication to take byte 1 gets id 1.
        long tail = RingFiles.tail(file);
        RingFiles.writeInlineRecord(file, tail, 0, true);
        RingFiles.writeLong(file, RingHeaderDescriptor.PUBLISH_LOCK_OFFSET, 1);
        Publication pub = ring.concurrentPublication();
        assertEquals(0, RingFiles.readLong(file, RingHeaderDescriptor.PUBLISH_LOCK_OFFSET), "the dead turn is free");
        assertTrue(pub.offer(MemorySegment.ofArray(new byte[] {42})) > 0);
        List<Long> lengths = new ArrayList<>();
        assertEquals(2, sub.poll(m -> lengths.add(m.length()), 10));
        assertEquals(List.of((long) Payloads.inlineLength(0), 1L), lengths,
            "the dead holder's committed record, then ours after it: nothing written over");
    }
}
