package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.XmemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an application needs to live with xmem (issue 14): open-or-create from racing
 * processes, a subscriber that learns its publisher is gone, received data that cannot be
 * scribbled on, segments that fail once their handle is gone, and labels that say who is who.
 * Eviction of slow subscribers has a test of its own ({@link SubscriberEvictionTest}).
 */
class ApplicationLifeTest {
    private static final int CAPACITY = 16 * 1024;
    /** Hang guard for a wait that ends in milliseconds. */
    private static final Duration GUARD = Duration.ofSeconds(30);

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    private static List<String> raceAll(List<RingChildJvm> children, String command) throws Exception {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (RingChildJvm c : children) {
            answers.add(CompletableFuture.supplyAsync(() -> c.ok(command)));
        }
        List<String> out = new ArrayList<>();
        for (CompletableFuture<String> a : answers) {
            out.add(a.get(GUARD.toSeconds(), TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void fourProcessesRacingToOpenOrCreateAllEndUpWithTheOnePoolAndRing() throws Exception {
        String pool = fx.pool();
        String name = fx.ring();
        List<RingChildJvm> children = List.of(fx.child(), fx.child(), fx.child(), fx.child());
        Set<String> ids = Set.copyOf(raceAll(children, "POOLOPENORCREATE " + pool + " 4096 16"));
        assertEquals(1, ids.size(), "one pool for all: " + ids);
        raceAll(children, "OPENORCREATE " + name + " " + pool + " " + CAPACITY);
        children.get(1).ok("SUB " + name);
        children.get(0).ok("PUB " + name);
        children.get(0).ok("OFFER " + name + " 0 1");
        Map<String, String> got = children.get(1).okPairs("POLL " + name + " 10 1");
        assertEquals("1", got.get("n"), "a record published by one is read by another: " + got);
        try (BufferPool p = BufferPool.openOrCreate(pool, PoolConfig.builder().sizeClass(4096, 16).build())) {
            assertEquals(ids.iterator().next(), Long.toHexString(p.id()), "and this JVM opens the same");
        }
    }

    @Test
    void openOrCreateWithAnotherLayoutNamesWhatDiffers() {
        String pool = fx.pool();
        fx.track(BufferPool.openOrCreate(pool, PoolConfig.builder().sizeClass(4096, 16).build()));
        IncompatibleLayoutException e = assertThrows(IncompatibleLayoutException.class,
            () -> BufferPool.openOrCreate(pool, PoolConfig.builder().sizeClass(4096, 32).build()));
        assertTrue(e.getMessage().contains("16 × 4096") && e.getMessage().contains("32 × 4096"), e.getMessage());
        String name = fx.ring();
        fx.track(Ring.openOrCreate(name, RingConfig.builder().pool(pool).capacity(CAPACITY).build()));
        e = assertThrows(IncompatibleLayoutException.class,
            () -> Ring.openOrCreate(name, RingConfig.builder().pool(pool).capacity(2 * CAPACITY).lossy(true).build()));
        assertTrue(e.getMessage().contains("capacity is " + CAPACITY) && e.getMessage().contains("lossy"),
            e.getMessage());
    }

    @Test
    void aSubscriberLearnsItsPublisherDiedOrClosedAndAwaitWakes() throws Exception {
        String name = fx.ring();
        fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).build()));
        RingChildJvm reader = fx.child();
        reader.ok("OPEN " + name);
        reader.ok("SUB " + name);
        assertEquals("connected=false endOfStream=false", reader.ok("CONNECTED " + name),
            "no publisher yet: the stream has not begun, so it has not ended either");

        RingChildJvm killed = fx.child();
        killed.ok("OPEN " + name);
        killed.ok("PUB " + name);
        killed.ok("OFFER " + name + " 0 0");
        assertEquals("connected=true endOfStream=false", reader.ok("CONNECTED " + name));
        killed.kill9();
        assertEquals("connected=false endOfStream=false", reader.ok("CONNECTED " + name),
            "a record is still to be delivered");
        assertEquals("1", reader.okPairs("POLL " + name + " 10 0").get("n"));
        assertEquals("connected=false endOfStream=true", reader.ok("CONNECTED " + name));

        // This JVM sleeps in await while a publication in another process closes: await returns.
        try (Ring ring = Ring.open(name); Subscription sub = ring.subscription()) {
            RingChildJvm closing = fx.child();
            closing.ok("OPEN " + name);
            closing.ok("PUB " + name);
            assertTrue(sub.isConnected());
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> sub.await(Duration.ofHours(1)));
            closing.ok("CLOSEPUB " + name);
            assertFalse(waiting.get(GUARD.toSeconds(), TimeUnit.SECONDS), "await came back, with nothing to read");
            assertTrue(sub.isEndOfStream());
        }
    }

    @Test
    void receivedDataIsReadOnlyAndABufferIsWritableOnlyWhenItIsTheOnlyReference() {
        String pool = fx.pool();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(256, 8).build()));
        String in = fx.ring();
        String out = fx.ring();
        Ring first = fx.track(Ring.create(in, RingConfig.builder().capacity(CAPACITY).pool(pool).build()));
        Ring second = fx.track(Ring.create(out, RingConfig.builder().capacity(CAPACITY).pool(pool).build()));
        Subscription sub = fx.track(first.subscription());
        Subscription downstream = fx.track(second.subscription());
        Publication pub = fx.track(first.publication());
        Publication forward = fx.track(second.publication());
        assertTrue(pub.offer(MemorySegment.ofArray(new byte[] {1, 2, 3})) > 0);
        try (Buffer b = p.acquire(100)) {
            b.segment().fill((byte) 7); // the producer's own handle writes
            assertTrue(pub.offer(b) > 0);
        }
        List<Buffer> kept = new ArrayList<>();
        assertEquals(2, sub.poll(m -> {
            assertTrue(m.segment().isReadOnly());
            assertThrows(RuntimeException.class, () -> m.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 9));
            if (!m.isInline()) {
                Buffer b = m.retain();
                assertTrue(b.segment().isReadOnly(), "what others read stays read-only");
                assertFalse(b.isExclusive(), "the ring still pins it inside the callback");
                XmemException e = assertThrows(XmemException.class, b::writableSegment);
                assertTrue(e.getMessage().contains("ring record"), e.getMessage());
                kept.add(b);
            }
        }, 10));
        Buffer frame = kept.getFirst();
        assertTrue(frame.isExclusive(), "passed by the only subscriber: the ring let go");
        frame.writableSegment().set(ValueLayout.JAVA_BYTE, 0, (byte) 42); // modify in place...
        assertTrue(forward.offer(frame) > 0); // ...and forward it on another ring of the pool, no copy
        frame.close();
        assertEquals(1, downstream.poll(m -> {
            assertEquals(42, m.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(7, m.segment().get(ValueLayout.JAVA_BYTE, 99));
        }, 10));
    }

    @Test
    void checkedSegmentsFailOnceTheirHandleIsClosedOrTheirRecordPassed() {
        String pool = fx.pool();
        fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(256, 8).build()));
        String name = fx.ring();
        fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).pool(pool).build()));
        RingChildJvm checked = fx.child("-Dxmem.checkedSegments=true");
        checked.ok("OPEN " + name);
        assertEquals("buffer=IllegalStateException message=IllegalStateException", checked.ok("CHECKEDUSE " + name));
        RingChildJvm unchecked = fx.child();
        unchecked.ok("OPEN " + name);
        assertEquals("buffer=read message=read", unchecked.ok("CHECKEDUSE " + name),
            "without the flag the fast path is unchanged: the mapping is still there");
    }

    @Test
    void labelsSayWhoIsWho() throws Exception {
        String pool = fx.pool();
        BufferPool p = fx.track(BufferPool.create(pool, PoolConfig.builder().sizeClass(256, 8).build()));
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(CAPACITY).pool(pool).build()));
        RingChildJvm feed = fx.child("-Dxmem.label=quote-feed");
        feed.ok("OPEN " + name);
        feed.ok("PUB " + name);
        RingChildJvm strategy = fx.child("-Dxmem.label=strategy-Ω");
        strategy.ok("OPEN " + name);
        strategy.ok("SUB " + name);
        Set<String> participants = p.stats().participants().stream().map(r -> r.label()).collect(Collectors.toSet());
        assertTrue(participants.containsAll(Set.of("quote-feed", "strategy-Ω")), participants.toString());
        RingStats stats = ring.stats();
        assertEquals(List.of("strategy-Ω"),
            stats.subscribers().stream().map(RingStats.SubscriberStats::label).toList());
        RingStats.PublisherStats publisher = stats.publishers().getFirst();
        assertEquals("quote-feed", publisher.label());
        assertTrue(publisher.alive() && !publisher.concurrent());
        feed.kill9();
        assertFalse(ring.stats().publishers().getFirst().alive(), "a killed publisher is shown dead");
        assertTrue(Files.exists(RingFixture.ringFile(name)));
    }
}
