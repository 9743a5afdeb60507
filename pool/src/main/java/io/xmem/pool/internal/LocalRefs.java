package io.xmem.pool.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * This process's reference counts, one word per slot, in Java heap memory (never shared);
 * per-JVM state of one pool. Accessors: volatile load, CAS, and a release store that ends a
 * transition.
 *
 * <pre>
 *   bit 63      TRANSITION: a thread is moving this process's holder bit for the slot
 *   bits 62..32 low 31 bits of the generation held
 *   bits 31..0  count of open handles in this process
 * </pre>
 *
 * The ≥1 paths are one CAS on this word and never touch shared memory. The 0→1 and 1→0
 * transitions first CAS the word to TRANSITION, change the shared holder bit, then store the
 * final word with release; any other thread meeting TRANSITION waits for it. So this
 * process's bit in a slot changes only inside a transition, and a thread that finds count ≥ 1
 * knows the bit is set and the slot cannot be recycled under it (the race the design
 * warns of: 1→0 clearing the bit while another thread goes 0→1 believing it still set).
 */
final class LocalRefs {
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class).withInvokeExactBehavior();

    public static final long TRANSITION = Long.MIN_VALUE;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;
    private static final long GEN_MASK = 0x7FFF_FFFFL;

    private final long[] words;

    LocalRefs(int slots) {
        this.words = new long[slots];
    }

    public static long word(long generation, long count) {
        return ((generation & GEN_MASK) << 32) | count;
    }

    public static long count(long word) {
        return word & COUNT_MASK;
    }

    public static boolean sameGeneration(long word, long generation) {
        return ((word >>> 32) & GEN_MASK) == (generation & GEN_MASK);
    }

    public long getVolatile(int slot) {
        return (long) WORD.getVolatile(words, slot);
    }

    public boolean cas(int slot, long expected, long update) {
        return (boolean) WORD.compareAndSet(words, slot, expected, update);
    }

    /** Ends a transition: publishes the final word. */
    public void setRelease(int slot, long word) {
        WORD.setRelease(words, slot, word);
    }

}
