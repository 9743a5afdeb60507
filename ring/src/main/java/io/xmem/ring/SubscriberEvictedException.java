package io.xmem.ring;

import io.xmem.pool.XmemException;

/**
 * A subscription was evicted: it held the publisher of a ring with a subscriber timeout back for
 * longer than the timeout (a GC pause, a debugger, a stopped process), or an operator evicted it
 * ({@code Ring.evict}, {@code xmem evict}). The publisher went on without it; close it and
 * subscribe again, which starts at the newest record.
 */
public class SubscriberEvictedException extends XmemException {
    private final long lag;
    private final long evictedAtMillis;

    public SubscriberEvictedException(String message, long lag, long evictedAtMillis) {
        super(message);
        this.lag = lag;
        this.evictedAtMillis = evictedAtMillis;
    }

    /** How many bytes behind the ring's tail the subscription was when it was evicted. */
    public long lag() {
        return lag;
    }

    /** When it was evicted, epoch milliseconds. */
    public long evictedAtMillis() {
        return evictedAtMillis;
    }
}
