package io.xmem.stress.ring;

import io.xmem.ring.ExclusivePublication;
import io.xmem.ring.Message;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A reliable ring's commit racing a poll at the same position. The publisher writes an inline
 * record (256 bytes spelling the record's number) and commits it by storing its position into
 * the commit word last, with release; the subscriber polls at that very place with an acquire
 * load. A record must be invisible until its commit and whole once visible: never a record whose
 * commit word is not its position (the poll would read an earlier lap's bytes), never a torn
 * body, never one out of order, since the log of 4 KiB is reused every few records.
 *
 * <p>r1: 1 if the offer published, 0 if it was back-pressured (the subscriber a log behind).
 * r2: 0 if the poll found nothing, 1 if it delivered the next record whole, 2 if it delivered
 * a torn one or another than the next, 3 if the poll threw.
 */
@JCStressTest
@Description("a reliable ring's commit racing a poll of the same record")
@Outcome(id = {"1, 0", "1, 1", "0, 0", "0, 1"}, expect = ACCEPTABLE,
    desc = "the poll came before the commit (nothing) or after it (the whole record, in order)")
@Outcome(id = ".*, 2", expect = FORBIDDEN, desc = "BUG: a torn record, or not the next one, was delivered")
@Outcome(id = ".*, 3", expect = FORBIDDEN, desc = "BUG: the poll threw (a record judged damaged)")
@Outcome(expect = FORBIDDEN, desc = "not a result this test produces")
@State
public class CommitVsPollTest {
    static final class Stream {
        static final Ring RING = StressRings.create("commit-poll", RingConfig.builder().capacity(4096), 0, 0);
        static final ExclusivePublication PUBLICATION = RING.publication();
        static final Subscription SUBSCRIPTION = RING.subscription();
        static final MemorySegment PAYLOAD = Arena.global().allocate(256, 8);
        /** Number of the next record to publish; only the publishing actor touches it. */
        static long next;
        /** Number of the next record due; only the polling actor touches it. */
        static long due;
        /** What the handler found: 1 the due record whole, 2 anything else. */
        static int found;

        static void onMessage(Message message) {
            found = StressRings.spelled(message.segment()) == due ? 1 : 2;
            due++;
        }
    }

    @Actor
    public void publish(II_Result r) {
        StressRings.spell(Stream.PAYLOAD, Stream.next);
        if (Stream.PUBLICATION.offer(Stream.PAYLOAD) > 0) {
            Stream.next++;
            r.r1 = 1;
        } else {
            r.r1 = 0;
        }
    }

    @Actor
    public void poll(II_Result r) {
        Stream.found = 0;
        try {
            Stream.SUBSCRIPTION.poll(Stream::onMessage, 1);
            r.r2 = Stream.found;
        } catch (RuntimeException e) {
            r.r2 = 3;
        }
    }
}
