package io.xmem.perf.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Writes {@code report.md} (one table per workload, the machine, the flags, the command), the SVG
 * charts ({@link Charts}) and one {@code .hgrm} percentile distribution per configuration.
 */
final class Report {
    static final String XMEM = "xmem";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    final Path dir;
    final String command;
    final Machine machine;
    final Idle idle;
    final String requestedBaseline;
    final List<String> systems;
    final List<String> extraFlags;
    final List<ConfigResult> results;
    final double seconds;
    final String loadAtEnd;
    final List<String> evidenceNotes;
    /** Why the run ended before its last configuration ("interrupted after 3 of 9 ..."); null when it did not. */
    final String interruption;

    Report(Path dir, String command, Machine machine, Idle idle, String requestedBaseline, List<String> systems,
           List<String> extraFlags, List<ConfigResult> results, double seconds, String loadAtEnd,
           List<String> evidenceNotes, String interruption) {
        this.evidenceNotes = evidenceNotes;
        this.interruption = interruption;
        this.dir = dir;
        this.command = command;
        this.machine = machine;
        this.idle = idle;
        this.requestedBaseline = requestedBaseline;
        this.systems = systems;
        this.extraFlags = extraFlags;
        this.results = results;
        this.seconds = seconds;
        this.loadAtEnd = loadAtEnd;
    }

    /** The system ratios are computed against: the requested one if it ran, else the floor, else none. */
    String baseline() {
        if (systems.contains(requestedBaseline)) {
            return requestedBaseline;
        }
        return systems.contains("floor") ? "floor" : null;
    }

    /** The one-way runs' pace as the tables' note states it. */
    private String oneWayPace() {
        return results.stream().filter(r -> r.config().workload() == Workload.ONE_WAY).findFirst()
            .map(r -> String.format("%,d msg/s", r.config().rate())).orElse("--pace msg/s");
    }

    Path write() throws IOException {
        Path hgrm = Files.createDirectories(dir.resolve("hgrm"));
        for (ConfigResult r : results) {
            if (r.latency() != null) {
                try (PrintStream ps = new PrintStream(Files.newOutputStream(hgrm.resolve(r.config().id() + ".hgrm")),
                    false, StandardCharsets.UTF_8)) {
                    ps.println("# " + r.config() + " — values in microseconds");
                    r.latency().outputPercentileDistribution(ps, 1000.0);
                }
            }
        }
        List<String> charts = new Charts(dir, systems).write(results);
        Path md = dir.resolve("report.md");
        Files.writeString(md, markdown(charts));
        Files.writeString(dir.resolve(ReadmeSummary.FILE), new ReadmeSummary(this, charts).markdown());
        return md;
    }

    private String markdown(List<String> charts) {
        StringBuilder s = new StringBuilder();
        String base = baseline();
        s.append("# xmem cross-process benchmark — ").append(LocalDateTime.now().format(STAMP)).append("\n\n");
        s.append("Command: `").append(command).append("` (").append(Harness.clock(seconds)).append(" min:s)\n\n");
        if (interruption != null) {
            s.append("**Partial report:** the run was ").append(interruption)
                .append("; the tables hold only the configurations that finished.\n\n");
        }
        s.append("| | |\n|---|---|\n");
        s.append("| machine | ").append(machine.cpus()).append(" CPUs (nproc), ").append(machine.cpuModel())
            .append(", ").append(machine.memory()).append(" RAM, ").append(machine.kernel()).append(" |\n");
        s.append("| JDK | ").append(machine.jdk()).append(" |\n");
        s.append("| load average | ").append(machine.loadAtStart()).append(" at start, ").append(loadAtEnd)
            .append(" at end |\n");
        s.append("| child JVM flags (all) | `").append(String.join(" ", ChildFlags.COMMON));
        if (!extraFlags.isEmpty()) {
            s.append(' ').append(String.join(" ", extraFlags));
        }
        s.append("` |\n");
        for (String system : systems) {
            List<String> own = Transports.create(system).childJvmFlags();
            if (!own.isEmpty()) {
                s.append("| flags added for ").append(system).append(" | `").append(String.join(" ", own))
                    .append("` |\n");
            }
        }
        s.append("| warm-up | by time before every configuration's measured messages (the publisher sends unrecorded ")
            .append("messages until it has for that long; --warmup-time): ").append(warmups()).append(" |\n");
        s.append("| waiting | ").append(idle.label()).append(" in every child (subscribers polling, publishers on ")
            .append("back-pressure and between paced sends) |\n");
        s.append("| clock | `System.nanoTime()` (CLOCK_MONOTONIC, one clock for every process on Linux) |\n");
        s.append("| ratio baseline | ");
        if (XMEM.equals(base)) {
            s.append("xmem");
        } else {
            s.append(Objects.requireNonNullElse(base, "none")).append(" — the xmem ring is not built yet")
                .append(XMEM.equals(requestedBaseline) ? ", so the floor stands in" : "");
        }
        s.append(" |\n\n");
        s.append("""
            Latencies in microseconds from HdrHistogram (3 significant digits). Ratio: this row's p50 ÷ the
            baseline's p50 at the same size and fan-out (latency tables), or this row's msgs/s ÷ the baseline's
            (throughput). The floor moves only its 16-byte header whatever the size: it is the bound of
            cross-process notification, not a messaging system. One-way: paced at %s, the same for every
            size, stamped at the send. Round trip: one message out, its echo back. Throughput: unpaced
            stream, msgs/s measured at the (slowest) subscriber over the measured messages; only one message
            in up to %d is stamped and recorded (the rest are counted), so the harness's clock reads and histogram
            stay off the measured path and the latency columns are a sample. Rate: fixed rate,
            latency from each message's *intended* send time (coordinated-omission corrected); burst > 1:
            that many messages share one intended time. Fan-out rows: the latency columns merge every
            subscriber; "worst sub p99" is the highest single-subscriber p99.

            """.formatted(oneWayPace(), Child.SAMPLE_EVERY));
        s.append(new Goals(results).markdown());
        for (Workload w : Workload.values()) {
            List<ConfigResult> rows = results.stream().filter(r -> r.config().workload() == w).toList();
            if (!rows.isEmpty()) {
                table(s, w, rows, base);
            }
        }
        List<ConfigResult> skipped = results.stream().filter(r -> r.status() == ConfigResult.Status.SKIPPED).toList();
        if (!skipped.isEmpty()) {
            s.append("## Skipped\n\n");
            Set<String> reasons = new LinkedHashSet<>();
            for (ConfigResult r : skipped) {
                reasons.add(r.config().workload().label + " " + r.config().system() + " "
                    + Sizes.format(r.config().length()) + " × " + r.config().subscribers() + ": " + r.note());
            }
            reasons.forEach(x -> s.append("- ").append(x).append('\n'));
            s.append('\n');
        }
        s.append(new CostsTable(results, evidenceNotes).markdown());
        s.append("## Charts\n\n");
        for (String c : charts) {
            s.append("![").append(c).append("](").append(c).append(")\n\n");
        }
        s.append("Raw percentile distributions (µs): `hgrm/<config>.hgrm`.\n");
        return s.toString();
    }

    /** The warm-up time of each workload in this run, e.g. "one-way 1 s, throughput 0.5 s". */
    private String warmups() {
        Set<String> parts = new LinkedHashSet<>();
        for (ConfigResult r : results) {
            Config c = r.config();
            parts.add(c.workload().label + " " + String.format(Locale.ROOT, "%.3g s", c.warmupNanos() / 1e9)
                + (c.warmup() > 0 ? " and ≥ " + count(c.warmup()) + " messages" : ""));
        }
        return String.join(", ", parts);
    }

    private void table(StringBuilder s, Workload w, List<ConfigResult> rows, String base) {
        boolean fanOut = rows.stream().anyMatch(r -> r.config().subscribers() > 1);
        boolean rate = w == Workload.RATE;
        s.append("## ").append(w.label).append("\n\n");
        s.append("| system | size | subs |");
        if (rate) {
            s.append(" rate msg/s | burst |");
        }
        s.append(" messages | p50 | p90 | p99 | p99.9 | max |");
        if (fanOut) {
            s.append(" worst sub p99 |");
        }
        s.append(w == Workload.ROUND_TRIP ? " round trips/s |" : " msgs/s |").append(" MB/s | retries | vs xmem |");
        boolean extraBase = base != null && !XMEM.equals(base);
        if (extraBase) {
            s.append(" vs ").append(base).append(" |");
        }
        s.append('\n');
        int columns = 13 + (rate ? 2 : 0) + (fanOut ? 1 : 0) + (extraBase ? 1 : 0);
        s.append("|---".repeat(columns)).append("|\n");
        for (ConfigResult r : rows) {
            if (r.status() == ConfigResult.Status.SKIPPED) {
                continue;
            }
            Config c = r.config();
            s.append("| ").append(c.system()).append(" | ").append(Sizes.format(c.length())).append(" | ")
                .append(c.subscribers()).append(" |");
            if (rate) {
                s.append(' ').append(count(c.rate())).append(" | ").append(c.burst()).append(" |");
            }
            s.append(' ').append(count(c.messages())).append(" |");
            if (!r.ok() && r.latency() == null) {
                s.append(" **FAILED**: ").append(r.note().lines().findFirst().orElse("").replace("|", "/"))
                    .append(" |".repeat(columns - (rate ? 6 : 4) - 1)).append('\n');
                continue;
            }
            for (double p : new double[] {50, 90, 99, 99.9}) {
                s.append(' ').append(micros(r.micros(p))).append(" |");
            }
            s.append(' ').append(micros(r.maxMicros())).append(" |");
            if (fanOut) {
                s.append(' ').append(micros(r.worstReceiverP99Micros())).append(" |");
            }
            s.append(' ').append(count(r.messagesPerSecond())).append(" |");
            s.append(' ').append(c.system().equals("floor") ? "— (header only)" : mb(r.megabytesPerSecond()))
                .append(" |");
            s.append(' ').append(count(r.retries())).append(" |");
            s.append(' ').append(systems.contains(XMEM) ? ratio(r, XMEM, w) : "n/a (xmem ring not yet built)")
                .append(" |");
            if (extraBase) {
                s.append(' ').append(ratio(r, base, w)).append(" |");
            }
            if (!r.ok()) {
                s.append(" **incomplete**: ").append(r.note().replace("|", "/"));
            }
            s.append('\n');
        }
        s.append('\n');
    }

    private String ratio(ConfigResult r, String base, Workload w) {
        Config c = r.config();
        ConfigResult b = results.stream().filter(x -> x.ok() && x.config().system().equals(base)
                && x.config().workload() == w && x.config().length() == c.length()
                && x.config().subscribers() == c.subscribers() && x.config().burst() == c.burst())
            .findFirst().orElse(null);
        if (b == null || !r.ok()) {
            return "—";
        }
        double v = w == Workload.THROUGHPUT ? r.messagesPerSecond() / b.messagesPerSecond()
            : r.micros(50) / b.micros(50);
        return times(v);
    }

    static String micros(double us) {
        if (us >= 100) {
            return String.format(Locale.ROOT, "%,.0f", us);
        }
        if (us >= 10) {
            return String.format(Locale.ROOT, "%.1f", us);
        }
        return String.format(Locale.ROOT, "%.2f", us);
    }

    /** A ratio with two significant digits at least: 0.0021×, 0.73×, 12×, 7,061×. */
    static String times(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f×", v);
        }
        if (v >= 0.1 || v == 0) {
            return String.format(Locale.ROOT, "%.2f×", v);
        }
        return String.format(Locale.ROOT, "%.2g×", v);
    }

    static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String mb(double v) {
        return v >= 10 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
