package io.xmem.perf.minimal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The Markdown summary of a {@link MinimalBench} run: medians of the rounds with their range, ratios
 * taken within each round, and the scheduler's part of the ping-pongs' tails.
 */
final class MinimalSummary {
    private static final List<String> SYSTEMS = List.of("xmem", "xmem-nowake", "agrona-ring", "aeron-ipc");

    private final Map<String, List<Map<String, String>>> results;
    private final StringBuilder s = new StringBuilder();

    private MinimalSummary(Map<String, List<Map<String, String>>> results) {
        this.results = results;
    }

    static String markdown(Map<String, List<Map<String, String>>> results) {
        return new MinimalSummary(results).write();
    }

    private String write() {
        s.append("\n| measure | ").append(String.join(" | ", SYSTEMS)).append(" |\n|---|---|---|---|---|\n");
        row("32 B stream, msgs/s", "stream", f -> v(f, "sub.rate"));
        row("32 B stream, publisher CPU ns per message", "stream", f -> v(f, "pub.cpuNs") / v(f, "messages"));
        row("32 B stream, subscriber CPU ns per message", "stream", f -> v(f, "sub.cpuNs") / v(f, "messages"));
        row("32 B one-way (RTT/2) p50, ns", "rtt", f -> v(f, "pub.rttP50") / 2);
        row("32 B one-way (RTT/2) p99, ns", "rtt", f -> v(f, "pub.rttP99") / 2);
        row("32 B one-way (RTT/2) p99.9, ns", "rtt", f -> v(f, "pub.rttP999") / 2);
        row("32 B one-way (stamp to arrival) p50, ns", "rtt", f -> v(f, "sub.onewayP50"));
        for (String ref : List.of("ref8m", "ref24m")) {
            String size = ref.equals("ref8m") ? "8 MiB" : "24 MiB";
            row(size + " by reference, one-way p50, ns", ref, f -> v(f, "sub.onewayP50"));
            row(size + " by reference, one-way p99, ns", ref, f -> v(f, "sub.onewayP99"));
            row(size + " by reference, one-way p99.9, ns", ref, f -> v(f, "sub.onewayP999"));
        }
        s.append("\nRatios within each round (round 1, 2, ...):\n\n");
        ratio("32 B stream, xmem ÷ agrona-ring", "stream", "xmem", "stream", "agrona-ring", "sub.rate", "sub.rate");
        ratio("32 B stream, xmem-nowake ÷ agrona-ring", "stream", "xmem-nowake", "stream", "agrona-ring", "sub.rate",
            "sub.rate");
        ratio("32 B RTT p50, xmem ÷ agrona-ring", "rtt", "xmem", "rtt", "agrona-ring", "pub.rttP50", "pub.rttP50");
        ratio("32 B RTT p50, xmem ÷ aeron-ipc", "rtt", "xmem", "rtt", "aeron-ipc", "pub.rttP50", "pub.rttP50");
        for (String x : List.of("xmem", "xmem-nowake")) {
            ratio("8 MiB by reference ÷ 32 B, one-way p50, " + x, "ref8m", x, "rtt", x, "sub.onewayP50",
                "sub.onewayP50");
            ratio("24 MiB by reference ÷ 32 B, one-way p50, " + x, "ref24m", x, "rtt", x, "sub.onewayP50",
                "sub.onewayP50");
        }
        scheduler();
        return s.toString();
    }

    private void row(String label, String test, ToDoubleFunction<Map<String, String>> value) {
        s.append("| ").append(label);
        for (String system : SYSTEMS) {
            List<Map<String, String>> runs = results.getOrDefault(test + " " + system, List.of());
            double[] values = runs.stream().mapToDouble(value).sorted().toArray();
            s.append(" | ").append(values.length == 0 ? "–" : MinimalBench.format(median(values))
                + (values.length > 1 ? " [" + MinimalBench.format(values[0]) + "–"
                + MinimalBench.format(values[values.length - 1]) + "]" : ""));
        }
        s.append(" |\n");
    }

    private void ratio(String label, String testA, String a, String testB, String b, String keyA, String keyB) {
        List<Map<String, String>> as = results.getOrDefault(testA + " " + a, List.of());
        List<Map<String, String>> bs = results.getOrDefault(testB + " " + b, List.of());
        List<String> per = new ArrayList<>();
        for (int i = 0; i < Math.min(as.size(), bs.size()); i++) {
            per.add(String.format(Locale.ROOT, "%.2f×", v(as.get(i), keyA) / v(bs.get(i), keyB)));
        }
        if (!per.isEmpty()) {
            s.append("- ").append(label).append(": ").append(String.join(", ", per)).append('\n');
        }
    }

    /** Both hot threads' scheduling in the ping-pongs, medians of the rounds. */
    private void scheduler() {
        s.append("""

            Scheduler (medians of the rounds; both hot threads over the measured window): on-CPU share of the
            publisher (pinger) / the subscriber (ponger), their run-queue wait (runnable, no core) and
            involuntary switches together, and for the ping-pongs the round trips over 10 µs with the time
            they took.

            | test | system | on CPU, pub / sub | run-queue wait, ms | involuntary switches | round trips > 10 µs | \
            time in them, ms |
            |---|---|---|---|---|---|---|
            """);
        for (String test : List.of("stream", "rtt", "ref8m", "ref24m")) {
            for (String system : SYSTEMS) {
                List<Map<String, String>> runs = results.getOrDefault(test + " " + system, List.of());
                if (runs.isEmpty()) {
                    continue;
                }
                s.append(String.format(Locale.ROOT, "| %s | %s | %.0f %% / %.0f %% | %.1f | %.0f | %s | %s |%n",
                    test, system, med(runs, f -> 100 * v(f, "pub.cpuNs") / v(f, "pub.wallNs")),
                    med(runs, f -> 100 * v(f, "sub.cpuNs") / v(f, "sub.wallNs")),
                    med(runs, f -> (v(f, "pub.waitNs") + v(f, "sub.waitNs")) / 1e6),
                    med(runs, f -> v(f, "pub.ivcsw") + v(f, "sub.ivcsw")),
                    test.equals("stream") ? "–" : MinimalBench.format(med(runs, f -> v(f, "pub.rttSlow"))),
                    test.equals("stream") ? "–" : String.format(Locale.ROOT, "%.1f",
                        med(runs, f -> v(f, "pub.rttSlowNs") / 1e6))));
            }
        }
    }

    private static double med(List<Map<String, String>> runs, ToDoubleFunction<Map<String, String>> value) {
        return median(runs.stream().mapToDouble(value).sorted().toArray());
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double v(Map<String, String> fields, String key) {
        String value = fields.get(key);
        return value == null ? Double.NaN : Double.parseDouble(value);
    }
}
