package io.xmem.perf.harness;

import java.util.List;
import java.util.Map;

/**
 * What one child process cost during its measured messages, and what the optional evidence tools
 * saw: the {@link MeasurementWindow} figures of its hot thread, the pauses in its GC log
 * ({@code --gc-log}, whole life of the JVM), {@code perf stat} counters ({@code --perf-stat}, the
 * measured window only, whole process) and the hottest methods of JFR's execution samples
 * ({@code --profile}, the measured window only, the hot thread).
 */
public record ProcessCosts(String label, long messages, boolean window, long gcCount, long gcMillis,
                           long allocatedBytes, long cpuNanos, long voluntarySwitches, long involuntarySwitches,
                           long startEpochMillis, long endEpochMillis, GcLog gcLog, Map<String, String> perfCounters,
                           List<String> hotMethods) {

    /** Pauses found in a child's GC log over its whole life (start-up and warm-up included). */
    public record GcLog(int pauses, double pauseMillis, double longestMillis) {
    }

    static ProcessCosts fromFields(String label, long messages, Map<String, String> f) {
        boolean window = "1".equals(f.get("window"));
        return new ProcessCosts(label, messages, window, num(f, "gcCount"), num(f, "gcMs"), num(f, "allocBytes"),
            num(f, "cpuNs"), num(f, "vcsw"), num(f, "ivcsw"), num(f, "startEpochMs"), num(f, "endEpochMs"),
            null, Map.of(), List.of());
    }

    ProcessCosts with(GcLog log, Map<String, String> perf, List<String> hot) {
        return new ProcessCosts(label, messages, window, gcCount, gcMillis, allocatedBytes, cpuNanos,
            voluntarySwitches, involuntarySwitches, startEpochMillis, endEpochMillis, log, perf, hot);
    }

    public double allocatedPerMessage() {
        return messages == 0 ? 0 : (double) allocatedBytes / messages;
    }

    public double cpuNanosPerMessage() {
        return messages == 0 ? 0 : (double) cpuNanos / messages;
    }

    /**
     * The share of the measured window's wall-clock time the hot thread was on a CPU: ~100 % for a
     * busy-spinning thread that had a core to itself; far less means it waited for one, and its
     * latencies then measure the scheduler (NaN when the window was too short to tell).
     */
    public double cpuShare() {
        long wallMillis = endEpochMillis - startEpochMillis;
        return wallMillis < 20 ? Double.NaN : cpuNanos / (wallMillis * 1e6);
    }

    private static long num(Map<String, String> f, String key) {
        String v = f.get(key);
        return v == null ? 0 : Long.parseLong(v);
    }
}
