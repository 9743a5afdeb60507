package io.xmem.perf.harness;

import java.util.Locale;

/** What a configuration measures; each is one table of the report. */
public enum Workload {
    /** One-way latency at a light, steady load (paced, stamped at the actual send). */
    ONE_WAY("one-way", RunSpec.Mode.ONE_WAY),
    /** Ping-pong: one message out, its echo back, then the next. */
    ROUND_TRIP("round-trip", RunSpec.Mode.ROUND_TRIP),
    /** A sustained stream as fast as the publisher can send; messages/s and bytes/s at the subscriber. */
    THROUGHPUT("throughput", RunSpec.Mode.ONE_WAY),
    /** Fixed rate (optionally in bursts), latency from each message's intended send time (CO-corrected). */
    RATE("rate", RunSpec.Mode.ONE_WAY);

    public final String label;
    public final RunSpec.Mode mode;

    Workload(String label, RunSpec.Mode mode) {
        this.label = label;
        this.mode = mode;
    }

    public static Workload parse(String s) {
        for (Workload w : values()) {
            if (w.label.equals(s.toLowerCase(Locale.ROOT))) {
                return w;
            }
        }
        throw new IllegalArgumentException("--mode takes one-way, round-trip, throughput or rate, not " + s);
    }

    /** Whether the table leads with latency (all but throughput). */
    public boolean latencyFirst() {
        return this != THROUGHPUT;
    }
}
