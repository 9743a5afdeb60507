package io.xmem.tools;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Latency histograms in nanoseconds, printed in microseconds: the one format of the demo's and the
 * examples' latency lines, {@code p50=0.61 p90=0.77 p99=1.61 p99.9=36.70 max=6414.34 µs (200000 samples)}.
 */
public final class Latency {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private Latency() {
    }

    /** Up to 60 s with 3 significant digits: a stall shows in max rather than overflowing. */
    public static Histogram histogram() {
        return new Histogram(60_000_000_000L, 3);
    }

    /** Records {@code nanos}, clamping what the histogram cannot hold (a clock step) to its range. */
    public static void record(Histogram h, long nanos) {
        h.recordValue(Math.max(0, Math.min(nanos, h.getHighestTrackableValue())));
    }

    /** One line: {@code p50=1.23 p90=... p99=... p99.9=... max=... µs (N samples)}. */
    public static String line(Histogram h) {
        StringBuilder sb = new StringBuilder();
        for (double p : PERCENTILES) {
            sb.append(String.format(Locale.ROOT, "p%s=%.2f ", label(p), h.getValueAtPercentile(p) / 1000.0));
        }
        return sb.append(String.format(Locale.ROOT, "max=%.2f µs (%d samples)", h.getMaxValue() / 1000.0,
            h.getTotalCount())).toString();
    }

    /** A table, one percentile a line. */
    public static void table(PrintStream out, Histogram h) {
        for (double p : PERCENTILES) {
            out.printf(Locale.ROOT, "  %-6s %10.2f µs%n", "p" + label(p), h.getValueAtPercentile(p) / 1000.0);
        }
        out.printf(Locale.ROOT, "  %-6s %10.2f µs%n", "max", h.getMaxValue() / 1000.0);
        out.printf(Locale.ROOT, "  %-6s %10.2f µs over %d round trips%n", "mean", h.getMean() / 1000.0,
            h.getTotalCount());
    }

    private static String label(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
