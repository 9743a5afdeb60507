package io.xmem.perf.harness;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The report's "steady state" section: what every child process cost while it measured (GCs,
 * bytes allocated and CPU time per message of its hot thread, context switches), and, when asked
 * for, its GC log's pauses, perf stat's counters per message and JFR's hottest methods.
 */
final class CostsTable {
    private final List<ConfigResult> results;
    private final List<String> notes;

    CostsTable(List<ConfigResult> results, List<String> notes) {
        this.results = results;
        this.notes = notes;
    }

    String markdown() {
        List<ConfigResult> measured = results.stream().filter(r -> !r.costs().isEmpty()).toList();
        if (measured.isEmpty()) {
            return "";
        }
        boolean gcLog = has(measured, c -> c.gcLog() != null);
        boolean perf = has(measured, c -> !c.perfCounters().isEmpty());
        boolean jfr = has(measured, c -> !c.hotMethods().isEmpty());
        StringBuilder s = new StringBuilder("## Steady state: what each process cost while measuring\n\n");
        long gcs = 0;
        long xmemGcs = 0;
        double xmemAlloc = 0;
        int processes = 0;
        for (ConfigResult r : measured) {
            for (ProcessCosts c : r.costs()) {
                processes++;
                gcs += c.gcCount();
                if (r.config().system().startsWith("xmem")) {
                    xmemGcs += c.gcCount();
                    xmemAlloc = Math.max(xmemAlloc, c.allocatedPerMessage());
                }
            }
        }
        s.append(String.format(Locale.ROOT, "Collections during the measured messages, all %d processes: **%d**; "
            + "xmem's processes: **%d**, the most any xmem hot thread allocated: **%.2f B/message**. ", processes, gcs,
            xmemGcs, xmemAlloc));
        s.append("""
            Measured in each child between its first and last measured message: GC count (every collector,
            MXBeans), the hot thread's allocated bytes and CPU time per message (`ThreadMXBean`), its
            voluntary / involuntary context switches (`/proc/thread-self/status`). "On CPU" is the hot
            thread's CPU time over the window's wall-clock time: a busy-spinning thread with a core to
            itself shows ~100 %; far less means it waited for a core, and the latencies of that
            configuration then measure the scheduler, not the transport.
            """);
        notes.forEach(n -> s.append("\n- ").append(n));
        s.append("\n\n| config | process | warm-up msgs | GCs | alloc B/msg | CPU ns/msg | on CPU "
            + "| vol / invol switches |");
        int columns = 8;
        if (gcLog) {
            s.append(" GC log: pauses, total ms (whole JVM) |");
            columns++;
        }
        if (perf) {
            s.append(" perf stat per msg (measured window, whole process) |");
            columns++;
        }
        if (jfr) {
            s.append(" JFR hot thread, top frames |");
            columns++;
        }
        s.append('\n').append("|---".repeat(columns)).append("|\n");
        for (ConfigResult r : measured) {
            for (ProcessCosts c : r.costs()) {
                row(s, r, c, gcLog, perf, jfr);
            }
        }
        return s.append('\n').toString();
    }

    /** One process's line of the table: the window's costs, then the optional columns. */
    private static void row(StringBuilder s, ConfigResult r, ProcessCosts c, boolean gcLog, boolean perf, boolean jfr) {
        s.append("| ").append(r.config().id()).append(" | ").append(c.label()).append(" | ")
            .append(Report.count(r.warmupMessages())).append(" | ");
        if (!c.window()) {
            s.append("— | — | — | — | — |");
        } else {
            s.append(c.gcCount()).append(c.gcMillis() > 0 ? " (" + c.gcMillis() + " ms)" : "").append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", c.allocatedPerMessage())).append(" | ")
                .append(String.format(Locale.ROOT, "%,.0f", c.cpuNanosPerMessage())).append(" | ")
                .append(Double.isNaN(c.cpuShare()) ? "—" : String.format(Locale.ROOT, "%.0f%%", 100 * c.cpuShare()))
                .append(" | ").append(c.voluntarySwitches()).append(" / ").append(c.involuntarySwitches()).append(" |");
        }
        if (gcLog) {
            ProcessCosts.GcLog g = c.gcLog();
            s.append(' ').append(g == null ? "—" : String.format(Locale.ROOT, "%d, %.1f ms (longest %.1f)",
                g.pauses(), g.pauseMillis(), g.longestMillis())).append(" |");
        }
        if (perf) {
            s.append(' ').append(perPerMessage(c.perfCounters(), c.messages())).append(" |");
        }
        if (jfr) {
            s.append(' ').append(String.join(", ", c.hotMethods())).append(" |");
        }
        s.append('\n');
    }

    /** perf stat's counters divided by the measured messages; unsupported ones left out (see the notes). */
    private static String perPerMessage(Map<String, String> counters, long messages) {
        StringBuilder s = new StringBuilder();
        counters.forEach((event, value) -> {
            if (value.startsWith("<")) {
                return;
            }
            try {
                double v = Double.parseDouble(value);
                if (!s.isEmpty()) {
                    s.append(", ");
                }
                if (event.equals("task-clock")) { // perf reports milliseconds
                    s.append(String.format(Locale.ROOT, "task-clock %,.0f ns", v * 1e6 / messages));
                } else if (event.equals("context-switches") || event.equals("cpu-migrations")
                    || event.equals("page-faults")) {
                    s.append(String.format(Locale.ROOT, "%s %,.0f (%.4f/msg)", event, v, v / messages));
                } else {
                    s.append(String.format(Locale.ROOT, "%s %,.1f", event, v / messages));
                }
            } catch (NumberFormatException e) {
                s.append(event).append(' ').append(value);
            }
        });
        return s.isEmpty() ? "—" : s.toString();
    }

    private static boolean has(List<ConfigResult> results, Predicate<ProcessCosts> p) {
        return results.stream().flatMap(r -> r.costs().stream()).anyMatch(p);
    }
}
