package io.xmem.perf.harness;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The optional evidence tools around each child JVM, and what they found.
 *
 * <ul>
 *   <li>{@code --gc-log}: {@code -Xlog:gc*:file=gc/<config>-<child>.log}; the report counts the pauses
 *       (the child's whole life). The measured window's collections are counted in every run anyway
 *       ({@link MeasurementWindow}).</li>
 *   <li>{@code --profile}: a JFR recording per child ({@code jfr/<config>-<child>.jfr}, the
 *       {@code profile} settings with execution samples every millisecond); the report lists the
 *       hottest methods of the hot thread's samples taken inside the measured window.</li>
 *   <li>{@code --perf-stat}: the child runs under {@code perf stat} with its counters off until the
 *       child switches them on for the measured window (perf's control FIFO); one CSV per child in
 *       {@code perf/}. Counters the kernel does not offer (hardware counters in most VMs) read
 *       "not supported" and the report says so.</li>
 * </ul>
 */
final class Evidence {
    static final String PERF_EVENTS = "task-clock,context-switches,cpu-migrations,page-faults,cycles,instructions,"
        + "cache-misses,branch-misses";
    private static final Pattern PAUSE = Pattern.compile("\\[gc\\s*] GC\\(\\d+\\) Pause .* ([0-9.]+)ms$");

    private final boolean gcLog;
    private final boolean profile;
    private final boolean perfStat;
    private final Path out;
    private final Path work;
    private final List<String> notes = new ArrayList<>();

    Evidence(boolean gcLog, boolean profile, boolean perfStat, Path out, Path work) {
        this.gcLog = gcLog;
        this.profile = profile;
        this.perfStat = perfStat && perfWorks();
        this.out = out;
        this.work = work;
    }

    boolean any() {
        return gcLog || profile || perfStat;
    }

    /** What was asked for and what could not be had here, for the report. */
    List<String> notes() {
        return notes;
    }

    /** How a child is started under the chosen tools: a command prefix, JVM flags and child settings. */
    record Wrapping(List<String> prefix, List<String> jvmFlags, Map<String, String> settings) {
    }

    Wrapping wrap(Config config, String label) throws IOException, InterruptedException {
        String name = config.id() + "-" + label;
        List<String> prefix = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        Map<String, String> settings = new HashMap<>();
        if (gcLog) {
            Path dir = Files.createDirectories(out.resolve("gc"));
            flags.add("-Xlog:gc*:file=" + dir.resolve(name + ".log"));
        }
        if (profile) {
            Path dir = Files.createDirectories(out.resolve("jfr"));
            flags.add("-XX:StartFlightRecording:filename=" + dir.resolve(name + ".jfr")
                + ",settings=profile,jdk.ExecutionSample#period=1ms");
        }
        if (perfStat) {
            Path dir = Files.createDirectories(out.resolve("perf"));
            Path control = work.resolve(name + ".perf-ctl");
            Path ack = work.resolve(name + ".perf-ack");
            mkfifo(control);
            mkfifo(ack);
            prefix.addAll(List.of("perf", "stat", "-x,", "-o", dir.resolve(name + ".csv").toString(), "-e", PERF_EVENTS,
                "-D", "-1", "--control", "fifo:" + control + "," + ack, "--"));
            settings.put("perfControl", control.toString());
            settings.put("perfAck", ack.toString());
        }
        return new Wrapping(prefix, flags, settings);
    }

    /** Adds what the tools recorded for child {@code label} of {@code config}; deletes its FIFOs. */
    ProcessCosts collect(Config config, ProcessCosts costs) {
        String name = config.id() + "-" + costs.label();
        ProcessCosts.GcLog log = gcLog ? gcLog(out.resolve("gc").resolve(name + ".log")) : null;
        Map<String, String> counters = perfStat ? perfCounters(out.resolve("perf").resolve(name + ".csv")) : Map.of();
        List<String> hot = profile ? hotMethods(out.resolve("jfr").resolve(name + ".jfr"), costs) : List.of();
        try {
            Files.deleteIfExists(work.resolve(name + ".perf-ctl"));
            Files.deleteIfExists(work.resolve(name + ".perf-ack"));
        } catch (IOException ignored) {
            // the work directory goes at the end of the run anyway
        }
        return costs.with(log, counters, hot);
    }

    static ProcessCosts.GcLog gcLog(Path file) {
        int pauses = 0;
        double total = 0;
        double longest = 0;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher m = PAUSE.matcher(line);
                if (m.find()) {
                    double ms = Double.parseDouble(m.group(1));
                    pauses++;
                    total += ms;
                    longest = Math.max(longest, ms);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return new ProcessCosts.GcLog(pauses, total, longest);
    }

    /** perf stat's CSV: value,unit,event,... per line; "<not supported>" kept as the value. */
    static Map<String, String> perfCounters(Path csv) {
        Map<String, String> counters = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                String[] f = line.split(",");
                if (line.startsWith("#") || f.length < 3) {
                    continue;
                }
                counters.put(f[2].replace(":u", ""), f[0]);
            }
        } catch (IOException e) {
            counters.put("error", e.getMessage());
        }
        return counters;
    }

    /** The hot thread's ("main") execution samples inside the measured window, by top frame, most first. */
    static List<String> hotMethods(Path jfr, ProcessCosts costs) {
        Map<String, Integer> byMethod = new HashMap<>();
        int total = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null
                    || e.getStackTrace().getFrames().isEmpty()) {
                    continue;
                }
                var thread = e.getThread("sampledThread");
                long at = e.getStartTime().toEpochMilli();
                if (thread == null || !"main".equals(thread.getJavaName())
                    || (costs.window() && (at < costs.startEpochMillis() || at > costs.endEpochMillis()))) {
                    continue;
                }
                RecordedFrame top = e.getStackTrace().getFrames().getFirst();
                String method = top.getMethod().getType().getName() + "." + top.getMethod().getName();
                byMethod.merge(method, 1, Integer::sum);
                total++;
            }
        } catch (IOException | RuntimeException e) {
            return List.of("(no profile: " + e.getMessage() + ")");
        }
        int samples = total;
        List<String> top = new ArrayList<>();
        byMethod.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(6).forEach(en ->
            top.add(String.format(Locale.ROOT, "%s %.0f%%", shortName(en.getKey()), 100.0 * en.getValue() / samples)));
        if (samples > 0) {
            top.add(samples + " samples");
        }
        return top;
    }

    private static String shortName(String method) {
        String[] parts = method.split("\\.");
        return parts.length < 3 ? method : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    /** Whether {@code perf stat} runs here at all; notes which counters it cannot give. */
    private boolean perfWorks() {
        try {
            Process p = new ProcessBuilder("perf", "stat", "-x,", "-e", PERF_EVENTS, "true")
                .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                notes.add("--perf-stat: `perf stat` does not run here (" + text.lines().findFirst().orElse("exit "
                    + p.exitValue()) + "); no perf figures");
                return false;
            }
            List<String> missing = text.lines()
                .filter(l -> l.startsWith("<not supported>") || l.startsWith("<not counted>"))
                .map(l -> l.split(",")[2]).toList();
            if (!missing.isEmpty()) {
                notes.add("--perf-stat: this kernel/VM offers no " + String.join(", ", missing)
                    + " counters (no PMU access: a VM or a container without it); the software counters are real");
            }
            return true;
        } catch (IOException e) {
            notes.add("--perf-stat: no `perf` on the PATH; no perf figures");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("mkfifo " + path + " failed: "
                + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
