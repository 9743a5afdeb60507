package io.xmem.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.RandomAccessFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PoolInspection} looks without joining: a killed holder shows as dead with its buffers
 * still held, looking frees nothing, and a look from a JVM that is itself a participant keeps
 * that JVM's own lock.
 */
class PoolInspectionTest {
    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    private static final PoolConfig CONFIG = PoolConfig.builder().sizeClass(4096, 8).sizeClass(65536, 2).build();

    @Test
    void aKilledHolderIsSeenDeadWithItsBuffersUntilSomeoneReclaims() {
        fx.create(CONFIG).close(); // the pool outlives its creator; this JVM is no participant
        ChildJvm holder = fx.childInPool();
        ChildJvm live = fx.childInPool();
        holder.ok("ACQUIRE 100");
        holder.ok("ACQUIRE 100");
        holder.ok("ACQUIRE 60000");
        long pinnedAndHeld = ChildJvm.token(live.ok("ACQUIRE 100"));
        holder.kill9();

        for (int look = 0; look < 2; look++) { // looking twice: the first look changed nothing
            PoolSnapshot s = PoolInspection.inspect(fx.name());
            assertEquals(fx.name(), s.name());
            assertEquals(new PoolSnapshot.SizeClass(4096, 8, 5, 3, 0, 2, false), s.sizeClasses().get(0));
            assertEquals(new PoolSnapshot.SizeClass(65536, 2, 1, 1, 0, 1, false), s.sizeClasses().get(1));
            assertEquals(3, s.reclaimable());
            assertEquals(2, s.participants().size(), s.toString());
            PoolSnapshot.Participant dead = participant(s, holder.pid());
            assertFalse(dead.alive(), s.toString());
            assertEquals(3, dead.buffersHeld());
            PoolSnapshot.Participant alive = participant(s, live.pid());
            assertTrue(alive.alive(), s.toString());
            assertEquals(1, alive.buffersHeld());
            assertFalse(alive.self() || dead.self());
        }
        assertEquals("3", live.ok("RECLAIM"));
        PoolSnapshot after = PoolInspection.inspect(fx.name());
        assertEquals(9, after.totalFree());
        assertEquals(0, after.reclaimable());
        assertEquals(1, after.participants().size(), after.toString());
        assertEquals(Long.toHexString(1L << live.index()), live.ok("HOLDERS " + ChildJvm.hex(pinnedAndHeld)));
    }

    @Test
    void aLookFromAParticipantJvmKeepsItsOwnLock() {
        BufferPool pool = fx.create(CONFIG);
        try (Buffer mine = pool.acquire(100)) {
            PoolSnapshot s = PoolInspection.inspect(fx.name());
            PoolSnapshot.Participant me = participant(s, ProcessHandle.current().pid());
            assertTrue(me.self() && me.alive(), s.toString());
            assertEquals(1, me.buffersHeld());

            // Had the look dropped our lock, a peer's reclaim would take our buffer away.
            ChildJvm peer = fx.childInPool();
            assertEquals("0", peer.ok("RECLAIM"));
            assertEquals(1L << pool.participantIndex(), pool.holders(mine.token()));
        }
    }

    private static PoolSnapshot.Participant participant(PoolSnapshot s, long pid) {
        return s.participants().stream().filter(p -> p.pid() == pid).findFirst()
            .orElseThrow(() -> new AssertionError("no participant " + pid + " in " + s));
    }

    @Test
    void aDamagedOrMissingFileIsAClearError() throws IOException {
        assertThrows(PoolNotFoundException.class, () -> PoolInspection.inspect(fx.name()));
        fx.create(CONFIG).close();
        try (RandomAccessFile f = new RandomAccessFile(PoolFixture.poolFile(fx.name()).toFile(), "rw")) {
            f.seek(64); // size class count
            f.writeInt(Integer.reverseBytes(65));
        }
        IncompatibleLayoutException e = assertThrows(IncompatibleLayoutException.class,
            () -> PoolInspection.inspect(fx.name()));
        assertTrue(e.getMessage().contains("size class count 65"), e.getMessage());
    }
}
