package io.xmem.stress.ring;

import io.xmem.ring.internal.Membarrier;
import io.xmem.ring.internal.RingCounters;
import io.xmem.ring.internal.RingHeaderDescriptor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The ring's wake-up handshake (ring/LAYOUT.md, <i>Waking sleepers</i>): a publisher commits a
 * record and then, with no fence, loads the sleeper count; a subscriber about to sleep counts
 * itself, makes every thread of the registered processes execute a full barrier
 * ({@code membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED)}), and looks at the commit once more. The
 * two sides are a Dekker pair: at least one must see the other's store, or the subscriber sleeps
 * on a record nobody wakes it for. This runs the very methods the ring runs
 * ({@link RingCounters#wakeSleepersAfterCommit()}, whose wake bumps the wake sequence, and
 * {@link Membarrier#globalExpedited()}) on a header of each state's own, the commit word standing
 * in a word after it. Where this process cannot register for membarrier, the publisher does what
 * the ring then does: a full fence before its load ({@link RingCounters#fenceThenWakeSleepers()}).
 *
 * <p>r1: 1 if the subscriber saw the commit after counting itself. r2: 1 if the publisher woke
 * sleepers (the wake sequence moved). Both 0 is a lost wake-up. It can fail: with the
 * subscriber's membarrier left out, {@code stress/run -t WakeUpTest -time 1000 -strideCount 40}
 * found 24 lost wake-ups in 1.6 million samples on x86-64 (the publisher's load passed its store
 * in the store buffer); with it, none in 690,000 (stress/README.md).
 */
@JCStressTest
@Description("a publisher's fence-free wake check against a subscriber's count + membarrier + look")
@Outcome(id = {"1, 0", "1, 1", "0, 1"}, expect = ACCEPTABLE,
    desc = "the subscriber saw the record, or the publisher saw the subscriber and woke it (or both)")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "BUG: a lost wake-up: neither saw the other")
@State
public class WakeUpTest {
    private static final boolean ASYMMETRIC = Membarrier.register();
    private static final long COMMIT_OFFSET = RingHeaderDescriptor.LENGTH;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment header = Arena.ofAuto().allocate(RingHeaderDescriptor.LENGTH + 64, 128);
    private final RingCounters counters = new RingCounters(header);
    private int sequence;

    @Actor
    public void publish() {
        LONG.setRelease(header, COMMIT_OFFSET, 1L); // the record's commit, as RecordLog stores it
        if (ASYMMETRIC) {
            counters.wakeSleepersAfterCommit();
        } else {
            counters.fenceThenWakeSleepers();
        }
    }

    @Actor
    public void sleep(II_Result r) {
        sequence = counters.wakeSequenceVolatile();
        counters.getAndAddSleepers(1);
        Membarrier.globalExpedited();
        r.r1 = (long) LONG.getAcquire(header, COMMIT_OFFSET) == 1L ? 1 : 0;
    }

    @Arbiter
    public void woken(II_Result r) {
        r.r2 = counters.wakeSequenceVolatile() != sequence ? 1 : 0;
    }
}
