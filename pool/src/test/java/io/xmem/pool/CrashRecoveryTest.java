package io.xmem.pool;

import io.xmem.pool.internal.ParticipantDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.xmem.pool.ChildJvm.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A participant killed with SIGKILL: what it alone held comes back, what anyone alive holds is
 * untouched, its entry is reusable. Covers reclaim on demand, on open, on exhaustion, and a
 * kill in the middle of heavy traffic.
 */
class CrashRecoveryTest {
    private static final int COUNT = 16;
    private static final long SIZE = 1024;

    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    private static PoolConfig config() {
        return PoolConfig.builder().sizeClass(SIZE, COUNT).sizeClass(64 * 1024, 2).build();
    }

    private static int free(BufferPool pool) {
        return pool.stats().sizeClasses().getFirst().free();
    }

    private static Map<Integer, PoolStats.Participant> participants(BufferPool pool) {
        return pool.stats().participants().stream()
            .collect(Collectors.toMap(PoolStats.Participant::index, p -> p));
    }

    /** A buffer this process holds with a canary pattern in it. */
    private record Canary(Buffer buffer, long crc) {
        static Canary of(BufferPool pool, long seed) {
            Buffer b = pool.acquire(SIZE);
            return new Canary(b, Patterns.fill(b.segment(), seed));
        }

        void assertIntact(BufferPool pool, String what) {
            assertEquals(crc, Patterns.crc(buffer.segment()), what + ": canary bytes changed");
            assertEquals(1L << pool.participantIndex(), pool.holders(buffer.token()),
                what + ": holder mask must be exactly this process");
        }
    }

    @Test
    void reclaimFreesExactlyWhatTheKilledChildAloneHeld() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        long me = 1L << pool.participantIndex();

        List<Canary> ours = new ArrayList<>();        // held here only
        List<Canary> shared = new ArrayList<>();      // acquired here, attached by the child
        for (int i = 0; i < 3; i++) {
            ours.add(Canary.of(pool, 100 + i));
        }
        for (int i = 0; i < 2; i++) {
            Canary c = Canary.of(pool, 200 + i);
            shared.add(c);
            child.ok("ATTACH " + hex(c.buffer().token()));
        }
        child.ok("ATTACH " + hex(shared.getFirst().buffer().token())); // a second handle: still one bit
        List<Long> childOnly = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            childOnly.add(ChildJvm.token(child.ok("ACQUIRE " + SIZE)));
        }
        child.ok("RETAIN " + hex(childOnly.getFirst()));
        long childsOwn = ChildJvm.token(child.ok("ACQUIRE " + SIZE)); // acquired by the child, attached here
        String childCrc = child.ok("FILL " + hex(childsOwn) + " 300");
        Buffer attachedHere = pool.attach(childsOwn);

        int childHolds = 2 + 3 + 1;
        int heldBeforeKill = 3 + 2 + 3 + 1;
        assertEquals(COUNT - heldBeforeKill, free(pool));
        PoolStats.Participant alive = participants(pool).get(child.index());
        assertTrue(alive.alive());
        assertEquals(child.pid(), alive.pid());
        assertEquals(childHolds, alive.buffersHeld());

        child.kill9();

        PoolStats.Participant dead = participants(pool).get(child.index());
        assertNotNull(dead, "the dead participant is listed until reclaimed");
        assertFalse(dead.alive(), "the OS dropped the dead child's lock");
        assertEquals(child.pid(), dead.pid());
        assertEquals(childHolds, dead.buffersHeld());
        assertTrue(participants(pool).get(pool.participantIndex()).alive(), "we are alive");
        assertEquals(COUNT - heldBeforeKill, free(pool), "nothing is freed before reclaim");

        assertEquals(3, pool.reclaim(), "exactly the buffers the child alone held are freed");
        assertEquals(COUNT - heldBeforeKill + 3, free(pool));
        for (long t : childOnly) {
            assertEquals(0, pool.holders(t), "child-only buffer 0x" + hex(t) + " is free");
        }
        for (Canary c : ours) {
            c.assertIntact(pool, "buffer held only here");
        }
        for (Canary c : shared) {
            c.assertIntact(pool, "buffer shared with the dead child");
        }
        assertEquals(me, pool.holders(childsOwn), "a buffer the dead child acquired lives on while we hold it");
        assertEquals(childCrc, hex(Patterns.crc(attachedHere.segment())), "and keeps the child's bytes");
        assertFalse(participants(pool).containsKey(child.index()), "a reclaimed entry is no longer listed");
        assertEquals(0, pool.reclaim(), "reclaim is idempotent");

        attachedHere.close();
        ours.forEach(c -> c.buffer().close());
        shared.forEach(c -> c.buffer().close());
        assertEquals(COUNT, free(pool));
    }

    @Test
    void openingThePoolInANewProcessReclaimsTheDeadOnesBuffers() {
        BufferPool pool = fx.create(config());
        ChildJvm doomed = fx.childInPool();
        Canary ours = Canary.of(pool, 7);
        doomed.ok("ATTACH " + hex(ours.buffer().token()));
        for (int i = 0; i < 4; i++) {
            doomed.ok("ACQUIRE " + SIZE);
        }
        assertEquals(COUNT - 5, free(pool));
        doomed.kill9();
        assertFalse(participants(pool).get(doomed.index()).alive());

        ChildJvm next = fx.childInPool(); // reclaim on open, no reclaim() called here
        assertEquals(COUNT - 1, free(pool), "the new process's open freed what the dead one alone held");
        ours.assertIntact(pool, "after a reclaim by open");
        Map<Integer, PoolStats.Participant> rows = participants(pool);
        assertTrue(rows.values().stream().allMatch(PoolStats.Participant::alive), "no dead participant left: " + rows);
        assertEquals(next.pid(), rows.get(next.index()).pid());
        assertEquals(0, pool.reclaim(), "nothing left to reclaim");
        ours.buffer().close();
        assertEquals(COUNT + "," + 2, next.ok("FREE"));
    }

    @Test
    void exhaustionReclaimsADeadHoldersBuffers() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        child.ok("ACQUIRE 65536");
        child.ok("ACQUIRE 65536");
        assertEquals(null, pool.tryAcquire(65536));
        child.kill9();
        // No explicit reclaim: an exhausted class looks for dead holders by itself.
        try (Buffer b = pool.acquire(65536, Duration.ofSeconds(10))) {
            assertEquals(1L << pool.participantIndex(), pool.holders(b.token()));
        }
        assertEquals(2, pool.stats().sizeClasses().get(1).free());
    }

    @Test
    void killDuringHeavyTrafficLeavesNothingHeld() throws Exception {
        PoolConfig cfg = PoolConfig.builder().sizeClass(256, 6).sizeClass(4096, 1).build();
        BufferPool pool = fx.create(cfg);
        ChildJvm child = fx.childInPool();
        Buffer mailbox = pool.acquire(StressWorkload.MAILBOX_BYTES);
        mailbox.segment().fill((byte) 0);
        child.ok("ATTACH " + hex(mailbox.token()));

        Thread killer = new Thread(() -> {
            try {
                child.call("STRESS " + hex(mailbox.token()) + " 4 60000 256"); // killed long before it answers
            } catch (AssertionError expected) {
                // the child died while we waited for its answer
            }
        });
        killer.setDaemon(true);
        killer.start();
        StressWorkload.Result[] ours = new StressWorkload.Result[1];
        Thread here = new Thread(() -> ours[0] = StressWorkload.run(pool, mailbox.segment(), 2, 2_000, 256));
        here.start();
        Thread.sleep(1_000);
        child.kill9();
        here.join(60_000);
        killer.join(60_000);
        assertFalse(here.isAlive(), "our stress threads finished");

        assertEquals(0, ours[0].errors(), "errors here: " + ours[0]);
        pool.reclaim();
        assertEquals(6, free(pool), "every buffer of the stressed class is free after the kill and reclaim");
        assertEquals(1L << pool.participantIndex(), pool.holders(mailbox.token()), "the mailbox is ours alone now");
        mailbox.close();
        assertEquals(pool.stats().totalBuffers(), pool.stats().totalFree());
    }

    @Test
    void aKilledParticipantsEntryIsReusedWhenThePoolIsFull() {
        BufferPool pool = fx.create(PoolConfig.builder().sizeClass(4096, 4).maxParticipants(2).build());
        ChildJvm first = fx.childInPool();
        first.ok("ACQUIRE 100");
        ChildJvm second = fx.child();
        assertEquals("TooManyParticipantsException", second.errType("OPEN " + fx.name()));
        assertTrue(second.call("PING").startsWith("OK"), "a refused open leaves the process working");

        first.kill9();
        int index = second.open(fx.name());
        assertEquals(first.index(), index, "the dead child's entry is taken over");
        assertEquals("4", second.ok("FREE"), "and its buffers were swept when it was taken");
        assertEquals(4, free(pool));
        assertEquals("TooManyParticipantsException", fx.child().errType("OPEN " + fx.name()), "full again");
    }

    /**
     * A process that watches a full pool (as {@code xmem stat} would, calling stats() in a
     * loop) must not keep a newcomer from taking over the entry of a participant that died.
     * The dead participant is made by hand: an ACTIVE entry whose lock nobody holds, exactly
     * what a SIGKILL leaves; each round this JVM opens the pool, takes that entry and leaves.
     */
    @Test
    void aWatchingProcessDoesNotLockNewcomersOut() throws Exception {
        BufferPool.create(fx.name(), PoolConfig.builder().sizeClass(4096, 4).maxParticipants(2).build()).close();
        ChildJvm watcher = fx.childInPool();
        int deadIndex = 1 - watcher.index();
        PoolFileEditor editor = PoolFileEditor.of(fx.name());
        long deadState = editor.participantEntry(deadIndex) + ParticipantDescriptor.STATE_OFFSET;

        CompletableFuture<String> watching =
            CompletableFuture.supplyAsync(() -> watcher.ok("WATCH 3000"));
        Thread.sleep(200); // let the watcher start; if it starts later the rounds just overlap less
        int rounds = 0;
        List<String> refused = new ArrayList<>();
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() - end < 0) {
            editor.writeInt(deadState, ParticipantDescriptor.STATE_ACTIVE);
            rounds++;
            try (BufferPool pool = BufferPool.open(fx.name())) {
                assertEquals(deadIndex, pool.participantIndex());
            } catch (TooManyParticipantsException e) {
                refused.add(e.getMessage());
            }
        }
        String watched = watching.get(60, TimeUnit.SECONDS);
        assertTrue(refused.isEmpty(), refused.size() + " of " + rounds + " opens were refused although one entry "
            + "belonged to a dead process (the watcher called stats() " + watched + " times); first: "
            + (refused.isEmpty() ? "" : refused.getFirst()));
    }
}
