package io.xmem.perf.harness;

import java.nio.file.Path;

/**
 * One measured configuration of the harness: a workload, a system, a size, a fan-out, a warm-up
 * (at least {@code warmup} messages and {@code warmupNanos} of sending), a measured count and a rate.
 */
public record Config(Workload workload, String system, int length, int subscribers, long warmup, long warmupNanos,
                     long messages, long rate, int burst) {

    public RunSpec spec(Path workDir, String runId) {
        return new RunSpec(system, workload.mode, length, subscribers, messages, warmup, warmupNanos, rate, burst,
            workDir, runId);
    }

    /** A file-name-safe id, e.g. {@code one-way-agrona-ring-4KiB-1sub}. */
    public String id() {
        return workload.label + "-" + system + "-" + Sizes.format(length).replace(" ", "") + "-" + subscribers + "sub"
            + (burst > 1 ? "-burst" + burst : "");
    }

    /** A rough duration of the sending (warm-up and measurement), for the timeout and the progress line's ETA. */
    public double expectedSeconds() {
        return Math.max(warmupNanos / 1e9, warmup * perMessageSeconds()) + messages * perMessageSeconds();
    }

    private double perMessageSeconds() {
        if (rate > 0) {
            return Math.max(1.0 / rate, length / 2e9); // a copying system at a large size falls behind the pace
        }
        // a stream's plan is generous: a socket moves 32 B at a few hundred thousand msgs/s, rings at ~20 M
        return workload == Workload.ROUND_TRIP ? 20e-6 + 2.0 * length / 1e9 : 1e-6 + length / 2e9;
    }
}
