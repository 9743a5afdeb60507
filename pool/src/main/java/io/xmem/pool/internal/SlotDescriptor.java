package io.xmem.pool.internal;

/**
 * One line of the slot table: the shared state of one buffer.
 *
 * <pre>
 *         +---------------------------------------------------------------+
 *      0  | state (u64): generation low 16 bits (63..48), pins (47..40),  |
 *         | holders (39..0)                                               |
 *         +---------------------------------------------------------------+
 *      8  | generation (u64, 40 bits used)                                |
 *         +---------------------------------------------------------------+
 *     16  | length (u64): bytes asked for at acquire                      |
 *         +-------------------------------+-------------------------------+
 *     24  | size class (u32)              | user type (u32)               |
 *         +---------------------------------------------------------------+
 *     32  | timestamp (u64, user's)                                       |
 *         +---------------------------------------------------------------+
 *     40  | sequence (u64, user's)                                        |
 *         +-------------------------------+-------------------------------+
 *     48  | device kind (u32): 0 host, 1  | reserved, zero                |
 *         | CUDA                          |                               |
 *         +---------------------------------------------------------------+
 *     56  | reserved, zero                                                |
 *         +---------------------------------------------------------------+
 *     64
 * </pre>
 *
 * <h2>The reference protocol</h2>
 * A slot is free exactly when its holder mask and its pin count are both zero. Bit {@code p}
 * is set while participant {@code p} holds at least one reference; counts within a process are
 * kept by that process only. A <em>pin</em> is a reference owned by a shared structure rather
 * than a process (a ring record that refers to the buffer): it survives the death of every
 * process and is dropped only by an explicit unpin. Every change of the state word is one CAS,
 * so no crash can leave a slot half-changed:
 * <ul>
 *   <li><b>acquire</b>: CAS {@code (g, 0, 0) -> (g+1, 0, me)} (generation, pins, holders). Having won, the
 *       acquirer owns the slot alone (no token for the new incarnation exists yet), reads {@code generation},
 *       picks the next value whose low 16 bits are {@code g+1}, and writes it (release)
 *       together with {@code length}, before the token leaves the process.</li>
 *   <li><b>attach(token)</b>: read {@code generation} (acquire); if it differs from the
 *       token's, the token is stale. Otherwise CAS {@code (g, h) -> (g, h|me)} with
 *       the slot in use and {@code g} the token's low 16 bits, then read {@code generation}
 *       again: our bit now keeps the slot from being recycled, so if it still equals the
 *       token's we hold that very incarnation; if not (the slot was recycled between the
 *       reads) we clear our bit again, freeing the slot if ours was the last, and report
 *       the token stale. A stale token therefore never reaches new data, whatever the
 *       low-bit wrap-around of the state word.</li>
 *   <li><b>release</b>: CAS {@code (g, h) -> (g, h & ~me)}; the participant that leaves
 *       holders and pins all zero has freed the slot.</li>
 *   <li><b>pin</b> by a process that holds a reference (so the incarnation cannot change):
 *       CAS {@code pins -> pins + 1}, at most 255. <b>unpin</b> by any process on behalf of the
 *       structure that owns the pin: check that the generation is the token's (stable while the
 *       pin is there), CAS {@code pins -> pins - 1}; leaving everything zero frees the slot.</li>
 *   <li><b>reclaim</b> of a dead participant {@code d} (its OS lock is gone): for every slot,
 *       CAS {@code (g, h) -> (g, h & ~d)}. Idempotent, so two reclaimers, or a reclaimer that
 *       dies half-way, do no harm. Nothing a live participant holds is touched.</li>
 * </ul>
 * A process killed inside any of these either made its CAS or did not; in both cases the slot
 * is either free or marked with the dead participant's bit, which reclaim clears.
 *
 * <p>Only {@code state} and {@code generation} are read by processes other than the holder;
 * the remaining fields are written by the acquirer before it hands out the token and are
 * validated by every reader before use.
 */
public final class SlotDescriptor {
    public static final int LENGTH = 64;

    public static final int STATE_OFFSET = 0;
    public static final int GENERATION_OFFSET = 8;
    public static final int LENGTH_OFFSET = 16;
    public static final int SIZE_CLASS_OFFSET = 24;
    public static final int USER_TYPE_OFFSET = 28;
    public static final int TIMESTAMP_OFFSET = 32;
    public static final int SEQUENCE_OFFSET = 40;
    public static final int DEVICE_KIND_OFFSET = 48;

    public static final int HOLDER_BITS = 40;
    public static final long HOLDERS_MASK = (1L << HOLDER_BITS) - 1;
    public static final int PINS_SHIFT = HOLDER_BITS;
    public static final long PINS_MAX = 0xFFL;
    public static final long PINS_MASK = PINS_MAX << PINS_SHIFT;
    /** Holders and pins: the slot is free exactly when these bits are all zero. */
    public static final long IN_USE_MASK = HOLDERS_MASK | PINS_MASK;
    public static final int STATE_GENERATION_SHIFT = 48;
    public static final long STATE_GENERATION_MASK = 0xFFFFL;

    /** Generations are 40 bits: the token's 64 bits less its 24-bit slot index. */
    public static final int GENERATION_BITS = 40;
    public static final long GENERATION_MASK = (1L << GENERATION_BITS) - 1;
    public static final int SLOT_INDEX_BITS = 24;
    public static final long SLOT_INDEX_MASK = (1L << SLOT_INDEX_BITS) - 1;

    private SlotDescriptor() {
    }

    public static long holders(long state) {
        return state & HOLDERS_MASK;
    }

    public static int pins(long state) {
        return (int) ((state >>> PINS_SHIFT) & PINS_MAX);
    }

    /** Whether any participant holds the slot or any pin is on it. */
    public static boolean inUse(long state) {
        return (state & IN_USE_MASK) != 0;
    }

    public static int stateGeneration(long state) {
        return (int) ((state >>> STATE_GENERATION_SHIFT) & STATE_GENERATION_MASK);
    }

    public static long state(long generation, long holders) {
        return ((generation & STATE_GENERATION_MASK) << STATE_GENERATION_SHIFT) | holders;
    }

    /** A token: generation in the high 40 bits, slot index in the low 24. */
    public static long token(int slot, long generation) {
        return (generation << SLOT_INDEX_BITS) | slot;
    }

    public static int tokenSlot(long token) {
        return (int) (token & SLOT_INDEX_MASK);
    }

    public static long tokenGeneration(long token) {
        return token >>> SLOT_INDEX_BITS;
    }

    /**
     * The generation that follows {@code previous} and whose low 16 bits are {@code low16}:
     * strictly greater unless the 40-bit space wraps; never 0.
     */
    public static long nextGeneration(long previous, int low16) {
        long next = (previous & ~STATE_GENERATION_MASK) | low16;
        if (next <= previous) {
            next += STATE_GENERATION_MASK + 1;
        }
        next &= GENERATION_MASK;
        // Never 0 (on wrap-around), so no live token is ever 0, the "no token" value.
        return next == 0 ? STATE_GENERATION_MASK + 1 : next;
    }
}
