package io.xmem.examples;

/**
 * A role's progress rate, once a second: how fast a count (quotes, frames) grew since the last
 * report. A subscriber restarts it at its first record, so that the time it waited for the publisher
 * to begin does not count.
 *
 * <pre>{@code
 * PerSecond rate = new PerSecond(System.nanoTime());
 * ...
 * long perSecond = rate.due(published, System.nanoTime());
 * if (perSecond >= 0) {
 *     System.out.printf("%,d quotes/s%n", perSecond);
 * }
 * }</pre>
 */
final class PerSecond {
    private static final long SECOND_NANOS = 1_000_000_000L;

    private long since;
    private long counted;

    PerSecond(long now) {
        this.since = now;
    }

    /** Counts from here: at {@code now} the count was {@code count}. */
    void restart(long now, long count) {
        since = now;
        counted = count;
    }

    /** The count's growth per second since the last report, once a second has passed since then; else -1. */
    long due(long count, long now) {
        if (now - since < SECOND_NANOS) {
            return -1;
        }
        long rate = (count - counted) * SECOND_NANOS / (now - since);
        restart(now, count);
        return rate;
    }
}
