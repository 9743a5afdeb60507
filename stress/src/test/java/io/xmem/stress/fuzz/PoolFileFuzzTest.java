package io.xmem.stress.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.xmem.pool.internal.ParticipantDescriptor;
import io.xmem.pool.internal.PoolHeaderDescriptor;
import io.xmem.pool.internal.SizeClassDescriptor;
import io.xmem.pool.internal.SlotDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Damaged pool files: a real pool (two size classes, buffers held and pinned by a ring, its
 * participant left ACTIVE as a killed process leaves it) with its header, participant table,
 * size class table, slot table or data damaged as the input says, then opened, looked at,
 * acquired from, attached to by the tokens its ring's records carry and by any token, reclaimed
 * ({@link Workout#pool}); then its ring, undamaged, is opened over it and polled, so that
 * references into a damaged pool are judged too ({@link Workout#ring}). Each input ends as a
 * working pool or an {@code XmemException} ({@link Expect}); hangs are caught per input
 * ({@link HangGuard}).
 */
class PoolFileFuzzTest {
    private static final Workbench BENCH = Workbench.make(false);
    private static final Mutator MUTATOR = mutator(BENCH);

    private static Mutator mutator(Workbench bench) {
        ByteBuffer file = ByteBuffer.wrap(bench.poolFile).order(ByteOrder.LITTLE_ENDIAN);
        long participants = file.getLong(PoolHeaderDescriptor.PARTICIPANT_TABLE_OFFSET_OFFSET);
        long classes = file.getLong(PoolHeaderDescriptor.SIZE_CLASS_TABLE_OFFSET_OFFSET);
        long slots = file.getLong(PoolHeaderDescriptor.SLOT_TABLE_OFFSET_OFFSET);
        long data = file.getLong(PoolHeaderDescriptor.DATA_OFFSET_OFFSET);
        Mutator m = new Mutator()
            .region("header", 0, PoolHeaderDescriptor.LENGTH, 1)
            .region("participants", participants, ParticipantDescriptor.LENGTH,
                file.getInt(PoolHeaderDescriptor.MAX_PARTICIPANTS_OFFSET))
            .region("classes", classes, SizeClassDescriptor.LENGTH,
                file.getInt(PoolHeaderDescriptor.SIZE_CLASS_COUNT_OFFSET))
            .region("slots", slots, SlotDescriptor.LENGTH, file.getInt(PoolHeaderDescriptor.SLOT_COUNT_OFFSET))
            .region("data", data, Workbench.BUFFER, (int) ((bench.poolFile.length - data) / Workbench.BUFFER))
            .values(participants, classes, slots, data, bench.poolFile.length, Workbench.BUFFER,
                4 * Workbench.BUFFER, SlotDescriptor.PINS_MAX << SlotDescriptor.PINS_SHIFT,
                SlotDescriptor.HOLDERS_MASK);
        bench.tokens.forEach(m::values);
        return m;
    }

    @FuzzTest(maxDuration = "10s")
    void damagedPoolFile(FuzzedDataProvider data) {
        fuzz(data);
    }

    /** One input; also a third of {@link ShortFuzzTest}'s. */
    static void fuzz(FuzzedDataProvider data) {
        long anyToken = data.consumeLong();
        long anySize = data.consumeLong(-1, 1L << 20);
        byte[] pool = MUTATOR.damage(BENCH.poolFile, data);
        if (pool == null) {
            return;
        }
        HangGuard.run("pool", pool, () -> {
            BENCH.lay(pool, BENCH.ringFile);
            Workout.pool(BENCH.dir, BENCH.tokens, anyToken, anySize);
            Workout.ring(BENCH.dir);
        });
    }
}
