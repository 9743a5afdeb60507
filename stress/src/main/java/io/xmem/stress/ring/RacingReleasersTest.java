package io.xmem.stress.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.ring.ConcurrentPublication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.atomic.AtomicLong;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two subscribers of a reliable ring release the pins of the same records at the same moment.
 * Each state publishes one reference record (a 64-byte pool buffer spelling the record's tag,
 * whose only reference after the offer is the ring's pin); each actor is one subscription
 * polling one record. The subscription that passes a reference last sees both positions past
 * it and releases; when both finish together, both try, and the CAS on the release position must
 * give each batch to one of them. The pool's pin count tells: each buffer carries exactly one
 * pin, so a second unpin finds none (or a later incarnation) and the pool throws
 * {@code CorruptPoolException} out of that poll; a pin never dropped keeps its buffer, and the
 * pool (twice the buffers the log can refer to) runs dry for the next state's publish.
 *
 * <p>r1, r2: per subscription, 0 if it found nothing, 1 if it delivered a whole buffer, 2 if the
 * bytes were not what the record's tag says, 3 if the poll threw. r3, by the arbiter, from
 * the state's publish: 1 published, 0 back-pressured (the subscribers a log behind, as while
 * jcstress builds states it never runs), 2 the pool had no free buffer, 3 the publish threw.
 */
@JCStressTest
@Description("two subscribers releasing the pins of the same records at once")
@Outcome(id = "[01], [01], [01]", expect = ACCEPTABLE, desc = "each pin dropped once; every buffer whole")
@Outcome(id = ".*, .*, 2", expect = FORBIDDEN, desc = "BUG: the pool ran dry: pins were never dropped")
@Outcome(id = ".*, 3|.*3, .*", expect = FORBIDDEN,
    desc = "BUG: a poll or publish threw (a pin dropped twice: the pool found no pin to drop)")
@Outcome(expect = FORBIDDEN, desc = "BUG: a buffer was not what its record said (2), or another result")
@State
public class RacingReleasersTest {
    private static final int BUFFER = 64;
    /** References a 64 KiB log can hold: the most buffers its pins can keep. */
    private static final int LOG_REFERENCES = 65_536 / 64;

    static final class Stream {
        static final Ring RING = StressRings.create("releasers", RingConfig.builder().capacity(65_536), BUFFER,
            2 * LOG_REFERENCES + 16);
        static final BufferPool POOL = RING.pool();
        /** Concurrent: jcstress builds states on two threads at once. */
        static final ConcurrentPublication PUBLICATION = RING.concurrentPublication();
        static final Subscription FIRST = RING.subscription();
        static final Subscription SECOND = RING.subscription();
        static final AtomicLong TAGS = new AtomicLong();
    }

    private final int published = publish();

    private static int publish() {
        try (Buffer buffer = Stream.POOL.tryAcquire(BUFFER)) {
            if (buffer == null) {
                return 2;
            }
            long tag = Stream.TAGS.incrementAndGet();
            StressRings.spell(buffer.segment(), tag);
            return Stream.PUBLICATION.offer(buffer, 0, BUFFER, 0, tag) > 0 ? 1 : 0;
        } catch (RuntimeException e) {
            return 3;
        }
    }

    /** Polls one record: 0 none, 1 its buffer whole, 2 not what its tag says, 3 the poll threw. */
    private static int pollOne(Subscription subscription) {
        int[] found = {0}; // set by the handler, on this thread
        try {
            subscription.poll(m -> found[0] = StressRings.spelled(m.segment()) == m.tag() ? 1 : 2, 1);
            return found[0];
        } catch (RuntimeException e) {
            return 3;
        }
    }

    @Actor
    public void first(III_Result r) {
        r.r1 = pollOne(Stream.FIRST);
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = pollOne(Stream.SECOND);
    }

    @Arbiter
    public void publishedBy(III_Result r) {
        r.r3 = published;
    }
}
