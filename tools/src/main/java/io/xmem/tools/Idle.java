package io.xmem.tools;

import io.xmem.ring.Subscription;

import java.time.Duration;

/**
 * How a subscriber waits when nothing is new: the latency / CPU trade-off of the demo's and the
 * examples' subscribers ({@code --idle spin|yield|sleep}).
 */
public enum Idle {
    /** Busy-spin: lowest latency, one core at 100 %. */
    SPIN,
    /** Give the core away between polls: kinder to a machine with fewer cores than spinners. */
    YIELD,
    /** Sleep on the ring's futex word until the next commit: 0 % CPU, wakes within microseconds. */
    SLEEP;

    private static final Duration NAP = Duration.ofMillis(100);

    /** Waits once, the way this mode does, after a poll that found nothing. */
    public void idle(Subscription subscription) {
        switch (this) {
            case SPIN -> Thread.onSpinWait();
            case YIELD -> Thread.yield();
            case SLEEP -> subscription.await(NAP);
        }
    }

    /** How it reads in a sentence: "busy-spin", "yield", "sleep on the ring's futex". */
    public String describe() {
        return switch (this) {
            case SPIN -> "busy-spin";
            case YIELD -> "yield";
            case SLEEP -> "sleep on the ring's futex";
        };
    }
}
