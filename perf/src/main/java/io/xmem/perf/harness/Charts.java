package io.xmem.perf.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * The report's charts, as SVG written here (no chart library): latency percentiles per system and
 * size (one panel per size, log axis), latency vs size (p50 and p99), throughput vs size.
 * Single-subscriber, non-burst configurations only; the tables hold the rest.
 */
final class Charts {
    private static final Map<String, String> COLOURS = Map.of(
        "xmem", "#d62728", "xmem-nowake", "#e377c2", "floor", "#7f7f7f", "agrona-ring", "#1f77b4",
        "aeron-ipc", "#2ca02c",
        "chronicle-queue", "#9467bd", "uds", "#ff7f0e");
    private static final String[] SPARE = {"#8c564b", "#17becf", "#bcbd22", "#393b79"};
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};
    private static final String[] PERCENTILE_LABELS = {"p50", "p90", "p99", "p99.9", "max"};

    private static final int PANEL_W = 330;
    private static final int PANEL_H = 250;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private final Path dir;
    private final List<String> systems;

    Charts(Path dir, List<String> systems) {
        this.dir = dir;
        this.systems = systems;
    }

    /** Writes every chart there is data for; returns the file names. */
    List<String> write(List<ConfigResult> results) throws IOException {
        List<String> files = new ArrayList<>();
        for (Workload w : new Workload[] {Workload.ONE_WAY, Workload.ROUND_TRIP, Workload.RATE}) {
            List<ConfigResult> rows = main(results, w);
            if (!rows.isEmpty()) {
                files.add(save("latency-vs-size-" + w.label + ".svg", latencyVsSize(w, rows)));
                files.add(save("latency-percentiles-" + w.label + ".svg", percentiles(w, rows)));
            }
        }
        List<ConfigResult> tput = main(results, Workload.THROUGHPUT);
        if (!tput.isEmpty()) {
            files.add(save("throughput-vs-size.svg", throughput(tput)));
        }
        return files;
    }

    private String save(String name, String svg) throws IOException {
        Files.writeString(dir.resolve(name), svg);
        return name;
    }

    private static List<ConfigResult> main(List<ConfigResult> results, Workload w) {
        return results.stream().filter(r -> r.ok() && r.config().workload() == w && r.config().subscribers() == 1
            && r.config().burst() == 1).toList();
    }

    private List<Integer> sizes(List<ConfigResult> rows) {
        return rows.stream().map(r -> r.config().length()).distinct().sorted().toList();
    }

    private List<String> present(List<ConfigResult> rows) {
        return systems.stream().filter(s -> rows.stream().anyMatch(r -> r.config().system().equals(s))).toList();
    }

    private static ConfigResult find(List<ConfigResult> rows, String system, int size) {
        return rows.stream().filter(r -> r.config().system().equals(system) && r.config().length() == size)
            .findFirst().orElse(null);
    }

    /** One panel per size: x = percentile, y = latency (log), one line per system. */
    private String percentiles(Workload w, List<ConfigResult> rows) {
        List<Integer> sizes = sizes(rows);
        List<String> present = present(rows);
        int cols = Math.min(3, sizes.size());
        int rowsOfPanels = (sizes.size() + cols - 1) / cols;
        int width = cols * PANEL_W + 20;
        int height = 70 + rowsOfPanels * PANEL_H;
        Svg svg = new Svg(width, height);
        svg.text(width / 2.0, 22, title(w) + " — latency percentiles (log scale), 1 subscriber", 15, "middle", "bold",
            0);
        legend(svg, present, 10, 44);
        for (int i = 0; i < sizes.size(); i++) {
            int size = sizes.get(i);
            double x0 = 10 + (i % cols) * PANEL_W;
            double y0 = 60 + (i / cols) * PANEL_H;
            List<Series> series = new ArrayList<>();
            for (String s : present) {
                ConfigResult r = find(rows, s, size);
                double[] v = new double[PERCENTILES.length];
                for (int p = 0; p < v.length; p++) {
                    v[p] = r == null ? Double.NaN : p == v.length - 1 ? r.maxMicros() : r.micros(PERCENTILES[p]);
                }
                series.add(new Series(s, v, null));
            }
            panel(svg, x0, y0, PANEL_W, PANEL_H, Sizes.format(size), PERCENTILE_LABELS, series, "latency",
                Charts::latencyLabel);
        }
        return svg.toString();
    }

    /** x = size, y = latency (log): p50 solid, p99 dashed, one colour per system. */
    private String latencyVsSize(Workload w, List<ConfigResult> rows) {
        List<Integer> sizes = sizes(rows);
        List<String> present = present(rows);
        int pw = Math.max(760, 90 * sizes.size() + LEFT + RIGHT);
        int width = pw + 20;
        int height = 80 + 340;
        Svg svg = new Svg(width, height);
        svg.text(width / 2.0, 22, title(w) + " latency vs message size — p50 solid, p99 dashed (log scale)", 15,
            "middle", "bold", 0);
        legend(svg, present, 10, 44);
        List<Series> series = new ArrayList<>();
        for (String s : present) {
            series.add(new Series(s, values(rows, s, sizes, r -> r.micros(50)), null));
            series.add(new Series(s, values(rows, s, sizes, r -> r.micros(99)), "6,4"));
        }
        panel(svg, 10, 60, pw, 340, "", sizeLabels(sizes), series, "latency", Charts::latencyLabel);
        return svg.toString();
    }

    /** Two panels: messages/s and MB/s against size, one line per system. */
    private String throughput(List<ConfigResult> rows) {
        List<Integer> sizes = sizes(rows);
        List<String> present = present(rows);
        List<String> copying = present.stream().filter(s -> !s.equals("floor")).toList();
        int pw = Math.max(420, 80 * sizes.size() + LEFT + RIGHT);
        int width = 2 * pw + 20;
        int height = 80 + 340;
        Svg svg = new Svg(width, height);
        svg.text(width / 2.0, 22, "Throughput vs message size — unpaced stream, 1 subscriber (log scale)", 15, "middle",
            "bold", 0);
        legend(svg, present, 10, 44);
        List<Series> msgs = new ArrayList<>();
        List<Series> bytes = new ArrayList<>();
        for (String s : present) {
            msgs.add(new Series(s, values(rows, s, sizes, ConfigResult::messagesPerSecond), null));
        }
        for (String s : copying) {
            bytes.add(new Series(s, values(rows, s, sizes, ConfigResult::megabytesPerSecond), null));
        }
        panel(svg, 10, 60, pw, 340, "messages per second", sizeLabels(sizes), msgs, "msg/s", Charts::countLabel);
        panel(svg, 10 + pw, 60, pw, 340, "MB per second (floor: header only, not shown)", sizeLabels(sizes), bytes,
            "MB/s", Charts::countLabel);
        return svg.toString();
    }

    private static double[] values(List<ConfigResult> rows, String system, List<Integer> sizes,
                                   ToDoubleFunction<ConfigResult> f) {
        double[] v = new double[sizes.size()];
        for (int i = 0; i < v.length; i++) {
            ConfigResult r = find(rows, system, sizes.get(i));
            v[i] = r == null ? Double.NaN : f.applyAsDouble(r);
        }
        return v;
    }

    private static String[] sizeLabels(List<Integer> sizes) {
        return sizes.stream().map(Sizes::format).toArray(String[]::new);
    }

    private static String title(Workload w) {
        return switch (w) {
            case ONE_WAY -> "One-way";
            case ROUND_TRIP -> "Round-trip";
            case RATE -> "Fixed-rate (CO-corrected)";
            case THROUGHPUT -> "Throughput";
        };
    }

    private record Series(String system, double[] values, String dash) {
    }

    private void legend(Svg svg, List<String> present, double x, double y) {
        double lx = x + 10;
        for (String system : present) {
            svg.line(lx, y - 4, lx + 22, y - 4, colour(system), 3, null);
            svg.text(lx + 28, y, system, 12, "start", "normal", 0);
            lx += 28 + 7.5 * system.length() + 24; // about 7 px per character at 12 px
        }
    }

    private String colour(String system) {
        String c = COLOURS.get(system);
        return c != null ? c : SPARE[Math.floorMod(system.hashCode(), SPARE.length)];
    }

    /** A panel with a categorical x axis and a log y axis; NaN values leave gaps. */
    private void panel(Svg svg, double x0, double y0, double w, double h, String title, String[] xLabels,
                       List<Series> series, String yLabel, DoubleFunction<String> format) {
        double left = x0 + LEFT;
        double right = x0 + w - RIGHT;
        double top = y0 + TOP;
        double bottom = y0 + h - BOTTOM;
        svg.text((left + right) / 2, y0 + 22, title, 13, "middle", "bold", 0);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (v > 0 && !Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi == 0) {
            svg.text((left + right) / 2, (top + bottom) / 2, "no data", 12, "middle", "normal", 0);
            return;
        }
        int d0 = (int) Math.floor(Math.log10(lo));
        int d1 = (int) Math.ceil(Math.log10(hi));
        if (d1 == d0) {
            d1++;
        }
        final int lowDecade = d0;
        final int decades = d1 - d0;
        DoubleUnaryOperator ys = v -> bottom - (Math.log10(v) - lowDecade) / decades * (bottom - top);
        svg.rect(left, top, right - left, bottom - top, "none", "#444");
        for (int d = d0; d <= d1; d++) {
            for (int m : decades <= 3 ? new int[] {1, 2, 5} : new int[] {1}) {
                double v = m * Math.pow(10, d);
                if (v > Math.pow(10, d1) * 1.0001) {
                    continue;
                }
                double y = ys.applyAsDouble(v);
                svg.line(left, y, right, y, m == 1 ? "#ccc" : "#eee", 1, null);
                svg.text(left - 6, y + 4, format.apply(v), 10, "end", "normal", 0);
            }
        }
        svg.text(x0 + 14, (top + bottom) / 2, yLabel, 11, "middle", "normal", -90);
        double step = (right - left) / xLabels.length;
        for (int i = 0; i < xLabels.length; i++) {
            double x = left + step * (i + 0.5);
            svg.line(x, bottom, x, bottom + 4, "#444", 1, null);
            svg.text(x, bottom + 18, xLabels[i], 11, "middle", "normal", 0);
        }
        for (Series s : series) {
            String colour = colour(s.system());
            List<double[]> run = new ArrayList<>();
            for (int i = 0; i <= s.values().length; i++) {
                double v = i < s.values().length ? s.values()[i] : Double.NaN;
                if (v > 0 && !Double.isNaN(v)) {
                    double x = left + step * (i + 0.5);
                    double y = ys.applyAsDouble(v);
                    run.add(new double[] {x, y});
                    svg.circle(x, y, s.dash() == null ? 3.5 : 2.5, colour);
                } else if (!run.isEmpty()) {
                    svg.polyline(run.stream().mapToDouble(p -> p[0]).toArray(),
                        run.stream().mapToDouble(p -> p[1]).toArray(), colour, 2, s.dash());
                    run.clear();
                }
            }
        }
    }

    /** Microseconds as 10 ns, 1 µs, 2 ms, 1 s. */
    static String latencyLabel(double micros) {
        if (micros < 1) {
            return trim(micros * 1000) + " ns";
        }
        if (micros < 1000) {
            return trim(micros) + " µs";
        }
        if (micros < 1_000_000) {
            return trim(micros / 1000) + " ms";
        }
        return trim(micros / 1_000_000) + " s";
    }

    static String countLabel(double v) {
        if (v >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString(Math.round(v))
            : String.format(Locale.ROOT, "%.2g", v).replaceAll("\\.?0+$", "");
    }
}
