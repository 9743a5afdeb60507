package io.xmem.ring;

import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.ring.internal.PinReleaser;
import io.xmem.ring.internal.RingCounters;
import io.xmem.ring.internal.RingLayout;
import io.xmem.ring.internal.SubscriberDescriptor;
import io.xmem.ring.internal.SubscriberTable;

/**
 * How far a publication may write before it looks at its subscribers again: reliable (the
 * slowest live subscriber holds it back) or lossy (nobody does). One object per publication,
 * chosen when it opens; the common case, a record within the known limit, costs one acquire
 * load of the membership word.
 */
abstract sealed class FlowControl permits FlowControl.Reliable, FlowControl.Lossy {
    /** Liveness probes cost syscalls: at most this often. */
    private static final long PROBE_INTERVAL_NANOS = 1_000_000L;

    final SubscriberTable subscribers;
    final RingCounters counters;
    /** Null for an inline-only ring. */
    final PinReleaser releaser;
    final ByteLocks locks;
    final int capacity;
    final String ringName;
    /** Positions below this may be written without looking at the subscribers again. */
    long limit;
    /** The ring's membership word when this publication last looked at the subscribers. */
    long membership = -1;
    private long lastProbe = System.nanoTime() - PROBE_INTERVAL_NANOS;

    FlowControl(SubscriberTable subscribers, RingCounters counters, PinReleaser releaser, ByteLocks locks, int capacity,
                String ringName) {
        this.subscribers = subscribers;
        this.counters = counters;
        this.releaser = releaser;
        this.locks = locks;
        this.capacity = capacity;
        this.ringName = ringName;
    }

    static FlowControl of(RingLayout layout, SubscriberTable subscribers, RingCounters counters, PinReleaser releaser,
                          ByteLocks locks, String ringName) {
        int capacity = layout.capacity();
        return layout.lossy() ? new Lossy(subscribers, counters, releaser, locks, capacity, ringName)
            : new Reliable(subscribers, counters, releaser, locks, capacity, ringName,
                layout.subscriberTimeoutMillis() * 1_000_000L);
    }

    /**
     * Whether the publication, whose tail is {@code tail}, may write bytes up to {@code reach}:
     * 0 if so, else {@link Publication#NOT_CONNECTED} or {@link Publication#BACK_PRESSURED}.
     */
    abstract long admit(long tail, long reach);

    /** Whether a liveness probe is due now; if so, the next one is due an interval later. */
    final boolean probeDue() {
        long now = System.nanoTime();
        if (now - lastProbe > PROBE_INTERVAL_NANOS) {
            lastProbe = now;
            return true;
        }
        return false;
    }

    /** Nobody subscribes: nothing is published, and nobody will read what is there, so its buffers go back. */
    final long notConnected(long tail) {
        if (releaser != null) {
            releaser.releaseUpTo(tail);
        }
        limit = 0; // look again next time
        return Publication.NOT_CONNECTED;
    }

    /**
     * The slowest live subscriber back-pressures the publisher; in a ring with a subscriber
     * timeout, one that has held it back for longer than that is evicted.
     */
    static final class Reliable extends FlowControl {
        /** 0: none, the ring is strictly reliable. */
        private final long timeoutNanos;
        /** When the publisher was first held back at {@link #stallPosition}; valid while stalled. */
        private long stallSince;
        private long stallPosition = -1;

        Reliable(SubscriberTable subscribers, RingCounters counters, PinReleaser releaser, ByteLocks locks,
                 int capacity, String ringName, long timeoutNanos) {
            super(subscribers, counters, releaser, locks, capacity, ringName);
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        long admit(long tail, long reach) {
            long members = counters.membershipAcquire();
            if (reach <= limit && members == membership) {
                return 0;
            }
            membership = members; // a subscriber joined or left, or we reached the limit: look again
            long result = look(tail, reach);
            if (result == Publication.BACK_PRESSURED && timeoutNanos > 0 && evictStalled(tail, reach)) {
                membership = counters.membershipAcquire();
                result = look(tail, reach);
            }
            if (result != Publication.BACK_PRESSURED) {
                stallPosition = -1;
            }
            return result;
        }

        /**
         * Evicts the subscribers that have held the publisher at the same place for longer than
         * the timeout: the ones more than a log behind {@code reach}. Returns whether it evicted any.
         */
        private boolean evictStalled(long tail, long reach) {
            long min = limit - capacity;
            long now = System.nanoTime();
            if (min != stallPosition) {
                stallPosition = min;
                stallSince = now;
                return false;
            }
            if (now - stallSince < timeoutNanos) {
                return false;
            }
            boolean evicted = false;
            for (int i = 0; i < subscribers.capacity(); i++) {
                if (subscribers.stateAcquire(i) == SubscriberDescriptor.STATE_ACTIVE) {
                    long position = subscribers.positionAcquire(i);
                    // The CAS is a full fence: EVICTED is visible before any byte we write over its records.
                    evicted |= reach - capacity > position && subscribers.casEvict(i, tail - position);
                }
            }
            if (evicted) {
                counters.incrementMembership();
                stallPosition = -1;
            }
            return evicted;
        }

        /** Looks at the subscribers: releases what they all passed, sets the limit, or says why not. */
        private long look(long tail, long reach) {
            long min = subscribers.minPosition(null);
            if ((min == Long.MAX_VALUE || reach - capacity > min) && probeDue()) {
                min = subscribers.minPosition(locks); // a dead subscriber no longer holds us back
            }
            if (min == Long.MAX_VALUE) {
                return notConnected(tail);
            }
            if (min > tail) {
                throw new CorruptRingException("ring '" + ringName + "': a subscriber claims position " + min
                    + " beyond the publisher's " + tail + "; the subscriber table was damaged");
            }
            if (releaser != null) {
                releaser.releaseUpTo(min); // records everyone passed: drop their pins before their space is reused
            }
            limit = min + capacity;
            if (reach > limit) {
                counters.incrementBackPressuredOpaque();
                return Publication.BACK_PRESSURED;
            }
            return 0;
        }
    }

    /**
     * The publisher never waits; with no subscriber at all nothing is published (as in a
     * reliable ring). The subscribers are looked at again every quarter of the log.
     */
    static final class Lossy extends FlowControl {
        Lossy(SubscriberTable subscribers, RingCounters counters, PinReleaser releaser, ByteLocks locks,
              int capacity, String ringName) {
            super(subscribers, counters, releaser, locks, capacity, ringName);
        }

        @Override
        long admit(long tail, long reach) {
            long members = counters.membershipAcquire();
            if (reach > limit || members != membership) {
                membership = members;
                if (subscribers.minPosition(probeDue() ? locks : null) == Long.MAX_VALUE) {
                    return notConnected(tail);
                }
                limit = reach + capacity / 4;
            }
            if (releaser != null) {
                releaser.releaseUpTo(reach - capacity); // skipped references are released all the same
            }
            counters.writeHeadOpaqueThenFence(reach);
            return 0;
        }
    }
}
