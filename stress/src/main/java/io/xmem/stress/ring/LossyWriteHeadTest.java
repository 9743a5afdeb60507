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
 * A lossy ring's publisher overtaking its subscriber in the middle of a copy. The log is the
 * smallest (4 KiB) and each publish writes four records of 480 bytes, half the log, so the
 * publisher laps the subscriber all the time. A lossy subscriber copies a record out, then
 * reads the write head again: if the publisher announced bytes over the record meanwhile, the
 * copy may be torn and must be discarded (a lap), never delivered.
 *
 * <p>r1: records published by the call (always 4: a lossy ring never waits). r2: 0 if the poll
 * delivered nothing, 1 if everything it delivered was whole and newer than what it delivered
 * before (records skipped by a lap are lost, not misordered), 2 if it delivered a torn record or
 * an older one, 3 if the poll threw.
 */
@JCStressTest
@Description("a lossy ring's publisher overwriting the record a subscriber is copying")
@Outcome(id = "4, 1", expect = ACCEPTABLE, desc = "whole records delivered (some may have been lost to laps)")
@Outcome(id = "4, 0", expect = ACCEPTABLE, desc = "nothing delivered: not yet published, or lapped at once")
@Outcome(id = ".*, 2", expect = FORBIDDEN, desc = "BUG: a torn or older record was delivered")
@Outcome(id = ".*, 3", expect = FORBIDDEN, desc = "BUG: the poll threw")
@Outcome(expect = FORBIDDEN, desc = "not a result this test produces")
@State
public class LossyWriteHeadTest {
    private static final int PER_CALL = 4;

    static final class Stream {
        static final Ring RING = StressRings.create("lossy-head", RingConfig.builder().capacity(4096).lossy(true),
            0, 0);
        static final ExclusivePublication PUBLICATION = RING.publication();
        static final Subscription SUBSCRIPTION = RING.subscription();
        static final MemorySegment PAYLOAD = Arena.global().allocate(480, 8);
        /** Number of the next record to publish; only the publishing actor touches it. */
        static long next = 1;
        /** Number of the last record delivered; only the polling actor touches it. */
        static long last;
        /** What the handler found: 1 all whole and newer, 2 otherwise. */
        static int found;

        static void onMessage(Message message) {
            long value = StressRings.spelled(message.segment());
            found = value > last && found != 2 ? 1 : 2;
            last = Math.max(last, value);
        }
    }

    @Actor
    public void publish(II_Result r) {
        int published = 0;
        for (int i = 0; i < PER_CALL; i++) {
            StressRings.spell(Stream.PAYLOAD, Stream.next++);
            published += Stream.PUBLICATION.offer(Stream.PAYLOAD) > 0 ? 1 : 0;
        }
        r.r1 = published;
    }

    @Actor
    public void poll(II_Result r) {
        Stream.found = 0;
        try {
            Stream.SUBSCRIPTION.poll(Stream::onMessage, PER_CALL);
            r.r2 = Stream.found;
        } catch (RuntimeException e) {
            r.r2 = 3;
        }
    }
}
