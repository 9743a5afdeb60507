package io.xmem.pool.internal.shm;

/** Rounding to a power-of-two boundary, the one rule every layout uses. */
public final class Align {
    private Align() {
    }

    /** {@code value} rounded up to a multiple of {@code alignment} (a power of two); overflow throws. */
    public static long up(long value, long alignment) {
        return Math.addExact(value, alignment - 1) & -alignment;
    }

    /**
     * {@code value} (at most {@code Integer.MAX_VALUE - alignment + 1}) rounded up to a multiple of {@code alignment}.
     */
    public static int up(int value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
