package io.xmem.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.xmem.pool.ChildJvm.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two processes, four threads each, a class of six buffers: acquire, tag, share by token
 * across processes and by retained handle across threads, verify, release, all at once (see
 * {@link StressWorkload} for what each step checks). No buffer may be handed out twice, no
 * stale token may reach new data, and at the end every buffer is free.
 */
class CrossProcessStressTest {
    private static final int THREADS = 4;
    private static final long MILLIS = 3_000;
    private static final long CLASS_SIZE = 256;
    private static final int COUNT = 6;

    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    @Test
    void twoProcessesHammerOneSmallClass() throws Exception {
        BufferPool pool = fx.create(PoolConfig.builder().sizeClass(CLASS_SIZE, COUNT).sizeClass(4096, 1).build());
        ChildJvm child = fx.childInPool();
        Buffer mailbox = pool.acquire(StressWorkload.MAILBOX_BYTES);
        mailbox.segment().fill((byte) 0);
        String box = hex(mailbox.token());
        child.ok("ATTACH " + box);

        CompletableFuture<String> theirs = CompletableFuture.supplyAsync(
            () -> child.ok("STRESS " + box + " " + THREADS + " " + MILLIS + " " + CLASS_SIZE));
        StressWorkload.Result ours = StressWorkload.run(pool, mailbox.segment(), THREADS, MILLIS, CLASS_SIZE);
        StressWorkload.Result child_ = StressWorkload.Result.decode(theirs.get(MILLIS + 60_000, TimeUnit.MILLISECONDS));
        System.out.println("stress here:  " + ours.encode());
        System.out.println("stress child: " + child_.encode());

        assertEquals(0, ours.errors(), "errors here: " + ours.firstError());
        assertEquals(0, child_.errors(), "errors in the child: " + child_.firstError());
        assertTrue(ours.ops() > 0 && child_.ops() > 0, "both processes got buffers");
        assertTrue(ours.attachedRemote() + child_.attachedRemote() > 0,
            "tokens were attached across processes: " + ours + " / " + child_);

        assertEquals(COUNT, pool.stats().sizeClasses().getFirst().free(), "every stressed buffer is free again");
        assertEquals(COUNT + ",0", child.ok("FREE"));
        child.ok("CLOSE " + box);
        child.ok("CLOSEPOOL");
        assertEquals(1L << pool.participantIndex(), pool.holders(mailbox.token()));
        assertEquals(1, pool.stats().participants().size(), "the child left: " + pool.stats().participants());
        mailbox.close();
        assertEquals(pool.stats().totalBuffers(), pool.stats().totalFree());
    }
}
