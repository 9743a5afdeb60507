package io.xmem.pool;

import io.xmem.pool.internal.SlotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

import static io.xmem.pool.ChildJvm.hex;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process that closes its pool while its own threads still acquire, attach and release
 * (a shutdown that does not wait for its workers) must not leave holder bits behind: once it
 * has left, every buffer it held is free, and nothing is stranded where no reclaim reaches.
 */
class CloseRaceTest {
    private static final int COUNT = 8;
    private static final int ROUNDS = 30;
    private static final int THREADS = 4;

    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    @Test
    void closeWhileThreadsAcquireLeavesNoHolderBits() throws Exception {
        BufferPool.create(fx.name(), PoolConfig.builder().sizeClass(256, COUNT).build()).close();
        ChildJvm witness = fx.childInPool(); // another participant, to look at the pool from outside
        LongAdder ops = new LongAdder();
        for (int round = 1; round <= ROUNDS; round++) {
            BufferPool pool = fx.open();
            int index = pool.participantIndex();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Thread worker = new Thread(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    try {
                        while (true) {
                            Buffer b = pool.tryAcquire(rnd.nextInt(1, 257));
                            if (b == null) {
                                continue;
                            }
                            try (Buffer again = pool.attach(b.token())) {
                                again.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                            } finally {
                                b.close();
                            }
                            ops.increment();
                        }
                    } catch (RuntimeException closed) {
                        // the pool was closed under us: expected, the worker stops
                    }
                }, "worker-" + t);
                worker.setDaemon(true);
                threads.add(worker);
                worker.start();
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(20, 60));
            pool.close();
            for (Thread t : threads) {
                t.join(30_000); // hang guard
                assertFalse(t.isAlive(), t.getName() + " hangs after close");
            }

            witness.ok("RECLAIM");
            String free = witness.ok("FREE");
            if (!free.equals(Integer.toString(COUNT))) {
                StringBuilder masks = new StringBuilder();
                for (int slot = 0; slot < COUNT; slot++) {
                    masks.append(" slot ").append(slot).append("=0x")
                        .append(witness.ok("HOLDERS " + hex(SlotDescriptor.token(slot, 0))));
                }
                throw new AssertionError("round " + round + ": after the process at participant index " + index
                    + " closed the pool under its threads and a reclaim, only " + free + " of " + COUNT
                    + " buffers are free; holder masks:" + masks);
            }
        }
        assertTrue(ops.sum() > 0, "the workers did work");
    }
}
