package io.xmem.stress.ring;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.ConcurrentPublication;
import io.xmem.ring.Message;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
import io.xmem.ring.internal.RingHeaderDescriptor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two concurrent publications take over the turn of a dead holder at the same moment. A dead
 * holder is modelled as the files show one: the ring's publish lock word (read and CASed
 * through a mapping of the ring file of our own, as another process would) names id 64, whose
 * id byte in the lock file nobody holds, exactly what a publication killed holding the turn
 * leaves. One actor plants it (CAS 0 → 64: "took the turn, then died") and publishes with its
 * publication; the other publishes with its own meanwhile. Each waiting publication probes the
 * holder's byte, finds it free, and CASes the word from 64 to its own id: only one may win, and
 * the loser must wait for the winner to give the turn back. Two writers at once would write at
 * the same tail: records overwritten, sequence numbers repeated or torn bodies.
 *
 * <p>r1: 1 if the first publication published. r2: 1 if the second did, plus 10 if its actor
 * planted the dead holder first (0 + 10: the word was free). r3, by the arbiter, which reads
 * everything published so far with a subscription: 1 if every record came whole and in order
 * and their number is the number of successful offers, 0 otherwise, 3 if the poll threw.
 */
@JCStressTest
@Description("two concurrent publications taking over a dead holder's turn at once")
@Outcome(id = {"1, 1, 1", "1, 11, 1"}, expect = ACCEPTABLE,
    desc = "both published, one after the other, whether or not a dead holder had to be passed over first")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "BUG: records lost, repeated or torn: two writers at once")
@Outcome(id = ".*, 3", expect = FORBIDDEN, desc = "BUG: the stream was judged damaged")
@Outcome(expect = FORBIDDEN, desc = "BUG: an offer failed or threw")
@State
public class PublishLockTakeoverTest {
    /** An id no publication has: the highest, while the two live ones take the lowest free ids. */
    private static final long DEAD = 64;

    static final class Stream {
        static final Ring RING = StressRings.create("takeover", RingConfig.builder().capacity(8 << 20), 0, 0);
        static final ConcurrentPublication FIRST = RING.concurrentPublication();
        static final ConcurrentPublication SECOND = RING.concurrentPublication();
        static final Subscription READER = RING.subscription();
        static final MemorySegment LOCK_WORD = mapLockWord(Ring.files(RING.name(), PoolConfig.DEFAULT_DIRECTORY)
            .getFirst());
        static final AtomicLong OFFERED = new AtomicLong();
        /** The last number each publication used: the first publishes odd numbers, the second even ones. */
        static long firstNumber = -1;
        static long secondNumber;
        /** Read by the arbiters, one at a time. */
        static long delivered;
        static final long[] LAST = {0, -1}; // the last even and odd number read
        static boolean whole = true;

        private static MemorySegment mapLockWord(Path ring) {
            try (FileChannel channel = FileChannel.open(ring, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return channel.map(FileChannel.MapMode.READ_WRITE, RingHeaderDescriptor.PUBLISH_LOCK_OFFSET,
                    Long.BYTES, Arena.global());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static void onMessage(Message message) {
            long number = StressRings.spelled(message.segment());
            // Each publication's records must come in its own order, once each, whole (-1: torn).
            int parity = (int) (number & 1);
            whole &= number >= 0 && number > LAST[parity];
            LAST[parity] = Math.max(LAST[parity], number);
            delivered++;
        }
    }

    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();

    private final MemorySegment payload = Arena.ofAuto().allocate(128, 8);
    private final MemorySegment otherPayload = Arena.ofAuto().allocate(128, 8);

    private static int offer(ConcurrentPublication publication, MemorySegment payload, long number) {
        StressRings.spell(payload, number);
        if (publication.offer(payload) > 0) {
            Stream.OFFERED.incrementAndGet();
            return 1;
        }
        return 0;
    }

    @Actor
    public void first(III_Result r) {
        try {
            Stream.firstNumber += 2;
            r.r1 = offer(Stream.FIRST, payload, Stream.firstNumber);
        } catch (RuntimeException e) {
            r.r1 = 3;
        }
    }

    @Actor
    public void dieThenSecond(III_Result r) {
        boolean planted = (boolean) WORD.compareAndSet(Stream.LOCK_WORD, 0L, 0L, DEAD);
        try {
            Stream.secondNumber += 2;
            r.r2 = (planted ? 10 : 0) + offer(Stream.SECOND, otherPayload, Stream.secondNumber);
        } catch (RuntimeException e) {
            r.r2 = 3;
        }
    }

    @Arbiter
    public void readAll(III_Result r) {
        synchronized (Stream.class) { // arbiters of one round run on two threads
            try {
                while (Stream.READER.poll(Stream::onMessage, 256) > 0) {
                    // until everything published so far is read
                }
                r.r3 = Stream.whole && Stream.delivered == Stream.OFFERED.get() ? 1 : 0;
            } catch (RuntimeException e) {
                r.r3 = 3;
            }
        }
    }
}
