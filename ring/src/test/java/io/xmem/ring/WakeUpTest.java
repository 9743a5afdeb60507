package io.xmem.ring;

import io.xmem.ring.internal.Membarrier;
import io.xmem.ring.internal.RingHeaderDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber asleep in {@code await} in another process is woken by a commit, although the
 * publisher no longer fences per record (the sleeper's membarrier stands in for it, see
 * {@code ring/LAYOUT.md}, <i>Sleeping subscribers</i>). No timing threshold: the sleeper waits
 * for an hour, and only a wake-up can end its wait within the test's hang guard.
 */
class WakeUpTest {
    private static final Duration GUARD = Duration.ofSeconds(60);

    @RegisterExtension
    final RingFixture fx = new RingFixture();

    private static int sleepers(Path ring) throws Exception {
        try (FileChannel ch = FileChannel.open(ring, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, RingHeaderDescriptor.SLEEPERS_OFFSET);
            return b.getInt(0);
        }
    }

    @Test
    void aSleeperInAnotherProcessWakesOnEveryCommit() throws Exception {
        String name = fx.ring();
        Ring ring = fx.track(Ring.create(name, RingConfig.builder().capacity(16 * 1024).build()));
        Publication pub = fx.track(ring.publication());
        RingChildJvm sleeper = fx.child();
        sleeper.ok("OPEN " + name);
        sleeper.ok("SUB " + name);
        Path file = RingFixture.ringFile(name);
        for (int round = 0; round < 20; round++) {
            CompletableFuture<String> woken = CompletableFuture.supplyAsync(
                () -> sleeper.ok("SLEEP " + name + " 3600000", GUARD.plusSeconds(5)));
            long deadline = System.nanoTime() + GUARD.toNanos();
            while (sleepers(file) == 0) { // wait until it sleeps (or is about to): the race we want
                assertTrue(System.nanoTime() < deadline, "the child never went to sleep");
                Thread.onSpinWait();
            }
            MemorySegment record = MemorySegment.ofArray(new byte[Payloads.MAX_INLINE]);
            assertTrue(pub.offer(record.asSlice(0, Payloads.writeInline(record, round))) > 0);
            assertEquals("true", woken.get(GUARD.toSeconds(), TimeUnit.SECONDS), "round " + round);
            assertEquals("1", sleeper.okPairs("POLL " + name + " 10 0").get("n"));
        }
        assertTrue(Membarrier.AVAILABLE, () -> "this machine kind has membarrier; here: " + Membarrier.UNAVAILABLE);
    }
}
