package io.xmem.perf.harness;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * What one configuration gave. Latencies in the histograms are nanoseconds; {@code latency} is
 * every subscriber's histogram added together (the publisher's for a round trip);
 * {@code warmupMessages} how many unrecorded messages the publisher sent before the measured ones
 * (its warm-up time decides); {@code costs} what each child process cost while it measured.
 */
public record ConfigResult(Config config, Status status, String note, Histogram latency,
                           List<Receiver> receivers, long retries, double messagesPerSecond, double seconds,
                           long warmupMessages, List<ProcessCosts> costs) {

    public enum Status { OK, FAILED, SKIPPED }

    /** One receiving process: a subscriber, or the publisher receiving echoes in a round trip. */
    public record Receiver(long received, long gaps, long dups, Histogram histogram, double messagesPerSecond) {
    }

    static ConfigResult skipped(Config config, String why) {
        return new ConfigResult(config, Status.SKIPPED, why, null, List.of(), 0, 0, 0, 0, List.of());
    }

    static ConfigResult failed(Config config, String why, double seconds) {
        return new ConfigResult(config, Status.FAILED, why, null, List.of(), 0, 0, seconds, 0, List.of());
    }

    /**
     * The result of {@code system} in {@code workload} at {@code length} with {@code subscribers} (burst 1),
     * or null.
     */
    static ConfigResult find(List<ConfigResult> results, Workload workload, String system, int length,
                             int subscribers) {
        return results.stream().filter(r -> r.config().workload() == workload && r.config().system().equals(system)
            && r.config().length() == length && r.config().subscribers() == subscribers && r.config().burst() == 1)
            .findFirst().orElse(null);
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** Latency at {@code percentile} (0..100) in microseconds. */
    public double micros(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMicros() {
        return latency.getMaxValue() / 1000.0;
    }

    /** The highest p99 of any single receiver, in microseconds (fan-out: the worst subscriber). */
    public double worstReceiverP99Micros() {
        return receivers.stream().mapToDouble(r -> r.histogram().getValueAtPercentile(99) / 1000.0).max().orElse(0);
    }

    public double megabytesPerSecond() {
        return messagesPerSecond * config.length() / 1e6;
    }
}
