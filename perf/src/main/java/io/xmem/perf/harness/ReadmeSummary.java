package io.xmem.perf.harness;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The section of the top-level README that shows the latest run: machine, command, one table
 * (one-way and round-trip p50/p99, throughput, ratios to xmem), the goals' verdicts and one chart.
 * Written beside every report as {@value #FILE}; {@code perf/readme-section DIR} puts it into
 * README.md between its markers. Links name {@value #DIR_TOKEN}, which the script replaces by the
 * report's path from the repository root.
 */
final class ReadmeSummary {
    static final String FILE = "readme-section.md";
    static final String DIR_TOKEN = "@REPORT_DIR@";

    private final Report run;
    private final List<String> charts;

    /** The summary of {@code run}, whose charts are {@code charts}. */
    ReadmeSummary(Report run, List<String> charts) {
        this.run = run;
        this.charts = charts;
    }

    String markdown() {
        Machine machine = run.machine;
        List<ConfigResult> results = run.results;
        StringBuilder s = new StringBuilder();
        s.append("Latest run: `").append(run.command).append("`, ")
            .append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))).append(", ")
            .append(Harness.clock(run.seconds)).append(" min:s; full report [`").append(DIR_TOKEN)
            .append("/report.md`](").append(DIR_TOKEN).append("/report.md).\n");
        s.append("Machine: ").append(machine.cpus()).append(" CPUs (").append(machine.cpuModel()).append("), ")
            .append(machine.memory()).append(", ").append(machine.kernel()).append("; ").append(machine.jdk())
            .append("; load average ").append(machine.loadAtStart()).append(" at start, ").append(run.loadAtEnd)
            .append(" at end. Child JVMs: `").append(String.join(" ", ChildFlags.COMMON)).append("`; ")
            .append(run.idle == Idle.SPIN ? "busy-spin" : "backoff")
            .append(" waiting. Latencies in µs (p50 / p99 / p99.9), "
                + "one subscriber; ratio columns: the row's figure ÷ xmem's, both from this run.\n\n");
        s.append("| size | system | one-way p50 / p99 / p99.9 | round trip p50 / p99 / p99.9 | stream msgs/s"
            + " | one-way p50 ÷ xmem's |"
            + " msgs/s ÷ xmem's |\n|---|---|---|---|---|---|---|\n");
        List<Integer> sizes = results.stream().map(r -> r.config().length()).distinct().sorted().toList();
        List<String> systems = results.stream().map(r -> r.config().system()).distinct().toList();
        for (int size : sizes) {
            for (String system : systems) {
                ConfigResult oneWay = ConfigResult.find(results, Workload.ONE_WAY, system, size, 1);
                ConfigResult roundTrip = ConfigResult.find(results, Workload.ROUND_TRIP, system, size, 1);
                ConfigResult stream = ConfigResult.find(results, Workload.THROUGHPUT, system, size, 1);
                if (!ok(oneWay) && !ok(roundTrip) && !ok(stream)) {
                    continue;
                }
                ConfigResult xOneWay = ConfigResult.find(results, Workload.ONE_WAY, "xmem", size, 1);
                ConfigResult xStream = ConfigResult.find(results, Workload.THROUGHPUT, "xmem", size, 1);
                s.append("| ").append(Sizes.format(size)).append(" | ").append(system).append(" | ")
                    .append(latency(oneWay)).append(" | ").append(latency(roundTrip)).append(" | ")
                    .append(ok(stream) && !system.equals("floor") ? Report.count(stream.messagesPerSecond()) : "—")
                    .append(" | ").append(ok(oneWay) && ok(xOneWay)
                        ? times(oneWay.micros(50) / xOneWay.micros(50)) : "—")
                    .append(" | ").append(ok(stream) && ok(xStream) && !system.equals("floor")
                        ? times(stream.messagesPerSecond() / xStream.messagesPerSecond()) : "—")
                    .append(" |\n");
            }
        }
        s.append("\nGoals, judged from this run:\n\n");
        for (Goals.Verdict v : new Goals(results).verdicts()) {
            s.append("- ").append(v.goal()).append(": ").append(v.verdict()).append(" — ")
                .append(v.evidence().replace("<br>", "; ")).append('\n');
        }
        String chart = charts.contains("latency-vs-size-one-way.svg") ? "latency-vs-size-one-way.svg"
            : charts.isEmpty() ? null : charts.getFirst();
        if (chart != null) {
            s.append("\n![").append(chart.replace(".svg", "").replace('-', ' ')).append("](").append(DIR_TOKEN)
                .append('/').append(chart).append(")\n");
        }
        return s.toString();
    }

    private static boolean ok(ConfigResult r) {
        return r != null && r.ok();
    }

    private static String latency(ConfigResult r) {
        return ok(r) ? Report.micros(r.micros(50)) + " / " + Report.micros(r.micros(99)) + " / "
            + Report.micros(r.micros(99.9)) : "—";
    }

    private static String times(double v) {
        return Report.times(v);
    }
}
