package io.xmem.perf.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * The four goals, judged from one run's results: met, not met, or not measured (with what
 * to run). Every comparison is between figures of the same run.
 *
 * <ol>
 *   <li>32 B one-way p50: xmem ≤ Agrona's ring and ≤ half of Aeron IPC;</li>
 *   <li>at ≥ 8 MiB, one-way p50 ≤ 2× xmem's 32 B figure and ≥ 100× lower than every copying peer;</li>
 *   <li>small inline throughput (32 B, 256 B) ≥ Agrona's ring;</li>
 *   <li>fan-out to 4: each subscriber's p99 within 2× the single-subscriber p99.</li>
 * </ol>
 */
final class Goals {
    static final List<String> COPYING_PEERS = List.of("agrona-ring", "aeron-ipc", "chronicle-queue", "uds");
    private static final String XMEM = "xmem";
    private static final int SMALL = 32;

    private final List<ConfigResult> results;

    Goals(List<ConfigResult> results) {
        this.results = results;
    }

    /** One judged goal: a verdict word and the figures behind it. */
    record Verdict(String goal, String verdict, String evidence) {
    }

    List<Verdict> verdicts() {
        List<Verdict> out = new ArrayList<>();
        out.add(smallOneWay());
        out.add(largeOneWay());
        out.add(smallThroughput());
        out.add(fanOut());
        return out;
    }

    String markdown() {
        StringBuilder s = new StringBuilder("## Goals\n\n| goal | verdict | figures (this run) |\n|---|---|---|\n");
        for (Verdict v : verdicts()) {
            s.append("| ").append(v.goal()).append(" | ").append(v.verdict()).append(" | ").append(v.evidence())
                .append(" |\n");
        }
        s.append('\n').append(fanOutTable());
        return s.toString();
    }

    private Verdict smallOneWay() {
        String goal = "32 B one-way p50 ≤ agrona-ring and ≤ ½ aeron-ipc";
        ConfigResult x = ok(Workload.ONE_WAY, XMEM, SMALL, 1);
        ConfigResult agrona = ok(Workload.ONE_WAY, "agrona-ring", SMALL, 1);
        ConfigResult aeron = ok(Workload.ONE_WAY, "aeron-ipc", SMALL, 1);
        if (x == null || (agrona == null && aeron == null)) {
            return new Verdict(goal, "not measured",
                "needs --mode one-way --sizes 32 with xmem, agrona-ring, aeron-ipc");
        }
        List<String> figures = new ArrayList<>();
        boolean met = true;
        figures.add("xmem " + us(x.micros(50)));
        if (agrona != null) {
            met &= x.micros(50) <= agrona.micros(50);
            figures.add("agrona-ring " + us(agrona.micros(50)) + " (xmem " + ratio(x.micros(50), agrona.micros(50))
                + ")");
        }
        if (aeron != null) {
            met &= x.micros(50) <= aeron.micros(50) / 2;
            figures.add("aeron-ipc " + us(aeron.micros(50)) + " (xmem " + ratio(x.micros(50), aeron.micros(50)) + ")");
        }
        return new Verdict(goal, verdict(met, agrona != null && aeron != null), String.join("; ", figures));
    }

    private Verdict largeOneWay() {
        Tally tally = new Tally("≥ 8 MiB one-way p50 ≤ 2× xmem's 32 B and ≥ 100× lower than every copying peer",
            "<br>");
        ConfigResult small = ok(Workload.ONE_WAY, XMEM, SMALL, 1);
        for (int size : Plan.ALL_SIZES) {
            ConfigResult x = size < 8 << 20 ? null : ok(Workload.ONE_WAY, XMEM, size, 1);
            if (x == null) {
                continue;
            }
            boolean met = true;
            StringBuilder f = new StringBuilder(Sizes.format(size) + ": xmem " + us(x.micros(50)));
            if (small != null) {
                met = x.micros(50) <= 2 * small.micros(50);
                f.append(" = ").append(ratio(x.micros(50), small.micros(50))).append(" its 32 B");
            }
            for (String peer : COPYING_PEERS) {
                ConfigResult p = find(Workload.ONE_WAY, peer, size, 1);
                if (p != null && !p.ok()) {
                    f.append("; ").append(peer).append(" n/a (").append(p.note().lines().findFirst().orElse(""))
                        .append(')');
                } else if (p != null) {
                    met &= p.micros(50) >= 100 * x.micros(50);
                    f.append("; ").append(peer).append(' ').append(us(p.micros(50))).append(" (")
                        .append(ratio(p.micros(50), x.micros(50))).append(" xmem's)");
                }
            }
            tally.add(met, f.toString());
        }
        return tally.verdict(small != null, "needs --mode one-way --sizes 32,8m,24m (in --full)");
    }

    private Verdict smallThroughput() {
        Tally tally = new Tally("small inline throughput ≥ agrona-ring", "; ");
        for (int size : List.of(32, 256)) {
            ConfigResult x = ok(Workload.THROUGHPUT, XMEM, size, 1);
            ConfigResult a = ok(Workload.THROUGHPUT, "agrona-ring", size, 1);
            if (x != null && a != null) {
                tally.add(x.messagesPerSecond() >= a.messagesPerSecond(), Sizes.format(size) + ": xmem "
                    + Report.count(x.messagesPerSecond()) + " msgs/s, agrona-ring "
                    + Report.count(a.messagesPerSecond()) + " ("
                    + ratio(x.messagesPerSecond(), a.messagesPerSecond()) + ")");
            }
        }
        return tally.verdict(true, "needs --mode throughput --sizes 32 with xmem and agrona-ring");
    }

    private Verdict fanOut() {
        Tally tally = new Tally("fan-out to 4: each subscriber's p99 ≤ 2× the single-subscriber p99 (xmem, one-way)",
            "<br>");
        for (int size : sizes()) {
            ConfigResult one = ok(Workload.ONE_WAY, XMEM, size, 1);
            ConfigResult four = ok(Workload.ONE_WAY, XMEM, size, 4);
            if (one != null && four != null) {
                double single = one.latency().getValueAtPercentile(99) / 1000.0;
                double worst = four.worstReceiverP99Micros();
                tally.add(worst <= 2 * single, Sizes.format(size) + ": single " + us(single) + ", worst of 4 "
                    + us(worst) + " (" + ratio(worst, single) + ")");
            }
        }
        return tally.verdict(true, "needs --mode one-way --subscribers 1,4 (in --full)");
    }

    /** A goal judged over several sizes: met where every measured size meets it. */
    private static final class Tally {
        private final String goal;
        private final String separator;
        private final List<String> figures = new ArrayList<>();
        private boolean met = true;

        Tally(String goal, String separator) {
            this.goal = goal;
            this.separator = separator;
        }

        void add(boolean meets, String figure) {
            met &= meets;
            figures.add(figure);
        }

        Verdict verdict(boolean complete, String whatToRun) {
            if (figures.isEmpty()) {
                return new Verdict(goal, "not measured", whatToRun);
            }
            return new Verdict(goal, Goals.verdict(met, complete), String.join(separator, figures));
        }
    }

    /** Every system's per-subscriber p99 at fan-out 2 and 4 against its own single-subscriber p99. */
    private String fanOutTable() {
        List<ConfigResult> fan = results.stream().filter(r -> r.ok() && r.config().workload() == Workload.ONE_WAY
            && r.config().subscribers() > 1).toList();
        if (fan.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("Fan-out, one-way: each subscriber's p99 (µs) against the same system's "
            + "single-subscriber p99 at the same size.\n\n| system | size | subs | single p99 | per-subscriber p99 | "
            + "worst ÷ single |\n|---|---|---|---|---|---|\n");
        for (ConfigResult r : fan) {
            ConfigResult one = ok(Workload.ONE_WAY, r.config().system(), r.config().length(), 1);
            double single = one == null ? Double.NaN : one.latency().getValueAtPercentile(99) / 1000.0;
            List<String> each = r.receivers().stream().map(x -> us(x.histogram().getValueAtPercentile(99) / 1000.0))
                .toList();
            s.append("| ").append(r.config().system()).append(" | ").append(Sizes.format(r.config().length()))
                .append(" | ").append(r.config().subscribers()).append(" | ").append(one == null ? "—" : us(single))
                .append(" | ").append(String.join(", ", each)).append(" | ")
                .append(one == null ? "—" : ratio(r.worstReceiverP99Micros(), single))
                .append(" |\n");
        }
        return s.append('\n').toString();
    }

    private List<Integer> sizes() {
        return results.stream().map(r -> r.config().length()).distinct().sorted().toList();
    }

    private ConfigResult find(Workload w, String system, int size, int subs) {
        return ConfigResult.find(results, w, system, size, subs);
    }

    private ConfigResult ok(Workload w, String system, int size, int subs) {
        ConfigResult r = find(w, system, size, subs);
        return r != null && r.ok() ? r : null;
    }

    private static String verdict(boolean met, boolean complete) {
        if (!met) {
            return "**not met**";
        }
        return complete ? "**met**" : "met where measured";
    }

    private static String us(double micros) {
        return Report.micros(micros) + " µs";
    }

    private static String ratio(double a, double b) {
        return Report.times(a / b);
    }
}
