package io.xmem.stress.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.xmem.ring.internal.RecordDescriptor;
import io.xmem.ring.internal.RingHeaderDescriptor;
import io.xmem.ring.internal.SubscriberDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Damaged ring files: a real ring (reliable or lossy, with inline, reference and padding
 * records, a subscriber ahead and one behind, left as a killed process leaves it) with its
 * header, counters, subscriber table or records damaged as the input says, then opened, looked
 * at, subscribed to, polled and published to ({@link Workout#ring}). Each input ends as a
 * working ring or an {@code XmemException} ({@link Expect}); a hang is caught per input by
 * {@link HangGuard}.
 *
 * <p>{@code ./mvnw verify} fuzzes for a few seconds (stress/pom.xml, {@code xmem.fuzz.duration});
 * {@code stress/fuzz} runs longer.
 */
class RingFileFuzzTest {
    /** The counters are lines of 128 bytes from the tail's (ring/LAYOUT.md, "Counters"). */
    private static final int COUNTER_LINE = 128;
    private static final Workbench[] BENCHES = {Workbench.make(false), Workbench.make(true)};
    private static final Mutator[] MUTATORS = {mutator(BENCHES[0]), mutator(BENCHES[1])};

    private static Mutator mutator(Workbench bench) {
        ByteBuffer file = ByteBuffer.wrap(bench.ringFile).order(ByteOrder.LITTLE_ENDIAN);
        long logOffset = file.getLong(RingHeaderDescriptor.LOG_OFFSET_OFFSET);
        int subscribers = file.getInt(RingHeaderDescriptor.MAX_SUBSCRIBERS_OFFSET);
        Mutator m = new Mutator()
            .region("header", 0, RingHeaderDescriptor.TAIL_OFFSET, 1)
            .region("counters", RingHeaderDescriptor.TAIL_OFFSET, COUNTER_LINE,
                (RingHeaderDescriptor.LENGTH - RingHeaderDescriptor.TAIL_OFFSET) / COUNTER_LINE)
            .region("subscribers", RingHeaderDescriptor.LENGTH, SubscriberDescriptor.LENGTH, subscribers)
            .region("records", logOffset, RecordDescriptor.ALIGNMENT, Workbench.CAPACITY / RecordDescriptor.ALIGNMENT)
            .values(Workbench.CAPACITY, logOffset, bench.ringFile.length, RecordDescriptor.TYPE_PADDING,
                RecordDescriptor.TYPE_INLINE, RecordDescriptor.TYPE_REFERENCE, RecordDescriptor.TYPE_DEVICE_REFERENCE);
        bench.positions.forEach(m::values);
        bench.tokens.forEach(m::values);
        return m;
    }

    @FuzzTest(maxDuration = "10s")
    void damagedRingFile(FuzzedDataProvider data) {
        fuzz(data);
    }

    /** One input; also a third of {@link ShortFuzzTest}'s. */
    static void fuzz(FuzzedDataProvider data) {
        int which = data.consumeBoolean() ? 1 : 0;
        Workbench bench = BENCHES[which];
        byte[] ring = MUTATORS[which].damage(bench.ringFile, data);
        if (ring == null) {
            return;
        }
        HangGuard.run("ring", ring, () -> {
            bench.lay(bench.poolFile, ring);
            Workout.ring(bench.dir);
        });
    }
}
