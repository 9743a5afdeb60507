package io.xmem.perf.harness;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Locale;

/**
 * How a child waits when there is nothing to do (no message to read, back-pressure, the next send
 * time not reached). {@code spin}: Agrona's {@link BusySpinIdleStrategy} ({@code Thread.onSpinWait},
 * never yields the core) — the default, and what every latency figure in the report uses unless it
 * says otherwise. {@code backoff}: Agrona's {@link BackoffIdleStrategy} with its default settings
 * (spin, then {@code Thread.yield}, then {@code parkNanos} from 1 µs up to 1 ms).
 */
public enum Idle {
    SPIN, BACKOFF;

    public static Idle parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "spin", "busy-spin", "busyspin" -> SPIN;
            case "backoff" -> BACKOFF;
            default -> throw new IllegalArgumentException("--idle takes spin or backoff, not " + s);
        };
    }

    public IdleStrategy strategy() {
        return this == SPIN ? new BusySpinIdleStrategy() : new BackoffIdleStrategy();
    }

    public String label() {
        return this == SPIN ? "busy-spin (Agrona BusySpinIdleStrategy)"
            : "backoff (Agrona BackoffIdleStrategy: spin, yield, park 1 µs..1 ms)";
    }
}
