package io.xmem.perf.harness;

import io.xmem.launch.ParentWatch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cross-process benchmark harness: runs every chosen configuration in real publisher and
 * subscriber JVMs ({@link ConfigRunner}) and writes a dated report ({@link Report}).
 *
 * <pre>
 * java -cp perf/target/benchmarks.jar io.xmem.perf.harness.Harness --quick
 * perf/bench --full --systems floor,agrona-ring --mode one-way,round-trip
 * </pre>
 */
public final class Harness {
    private Harness() {
    }

    static final String USAGE = """
        usage: perf/bench [--quick | --full] [options]      (default --quick)
          --quick                 one-way, round-trip, throughput at 32 B, 4 KiB, 1 MiB, one subscriber; 1 s
                                  warm-up and ~0.5 s measured per config: planned %2$s min:s
          --full                  all four modes at every size (32 B .. 24 MiB); one-way with fan-out 1, 2, 4;
                                  rate in bursts of 1 and 16; 2 s warm-up, ~3 s measured per config:
                                  planned %3$s min:s (a busy machine takes longer: the progress lines
                                  print an ETA)
          --dry-run               print the configurations and the planned duration, run nothing
          --systems a,b,c         transports to run (default: every one present: %1$s)
          --sizes 32,4k,1m,24m    message sizes in bytes (k = KiB, m = MiB)
          --subscribers 1,2,4     fan-out, in every chosen mode but round trips (full's default: one-way only)
          --mode m1,m2            one-way, round-trip, throughput, rate (quick: the first three; full: all)
          --pace N                messages/s of one-way runs, the same at every size (default 10000)
          --rate N                messages/s of the rate mode (default 10000, capped at 0.5 GB/s of payload)
          --burst 1,16            messages per burst in the rate mode (burst mode when > 1)
          --messages N            measured messages per config (default: from the duration target)
          --warmup-time T         warm-up per config as a time: 2s, 500ms (default: quick 1 s, full 2 s)
          --warmup N              at least N warm-up messages; alone (without --warmup-time) a count only
          --idle spin|backoff     how children wait (default spin: busy-spin)
          --gc-log                children log GC (-Xlog:gc*) into the report's gc/; the report sums the pauses
          --profile               a JFR recording per child (jfr/); the report lists the hottest methods
          --perf-stat             children under `perf stat`, counting the measured window only (perf/)
          --baseline NAME         the ratio column's reference (default xmem; the floor when xmem is absent)
          --out DIR               report directory (default perf/results/<yyyy-MM-dd-HHmm>)
          --jvm-flag FLAG         one more JVM flag for every child (repeatable)
        """;

    public static void main(String[] args) throws Exception {
        // Started by xmem bench (or a test): gone with its parent, its partial report written on the way out.
        ParentWatch.start();
        try {
            Outcome outcome = run(args, System.getProperty("java.class.path"), System.out);
            if (outcome.report() != null) {
                System.out.println("report: " + outcome.report());
            }
        } catch (IllegalArgumentException e) {
            if ("help".equals(e.getMessage())) {
                System.out.print(usage());
                return;
            }
            System.err.println("harness: " + e.getMessage());
            System.err.print(usage());
            System.exit(64);
        }
    }

    /**
     * What a run produced: report.md, every configuration's result, and the prefix of every shared
     * file and socket name it used (for leak checks).
     */
    public record Outcome(Path report, List<ConfigResult> results, String runIdPrefix) {
    }

    /** What the command line asked for: the plan, and how to run and report it. */
    private record Options(Plan plan, List<String> systems, Idle idle, String baseline, Path out, boolean dryRun,
                           boolean gcLog, boolean profile, boolean perfStat, List<String> extraFlags) {
    }

    /** Runs the harness as the command line says; children use {@code classPath}. */
    public static Outcome run(String[] args, String classPath, PrintStream progress)
        throws IOException, InterruptedException {
        Options o = parse(args);
        if (o.dryRun()) {
            List<Config> planned = o.plan().configs();
            planned.forEach(c -> progress.printf("%-60s warm-up %.1f s, %s measured messages, ~%s min:s%n", c.id(),
                c.warmupNanos() / 1e9, Report.count(c.messages()), clock(weight(c))));
            progress.printf("harness: %d configurations, planned about %s min:s (skipped ones take no time)%n",
                planned.size(), clock(planned.stream().mapToDouble(Harness::weight).sum()));
            return new Outcome(null, List.of(), "");
        }
        Files.createDirectories(o.out());
        Path work = Files.createDirectories(o.out().resolve("work"));

        String command = "perf/bench " + String.join(" ", args);
        Machine machine = Machine.describe();
        List<Config> configs = o.plan().configs();
        Evidence evidence = new Evidence(o.gcLog(), o.profile(), o.perfStat(), o.out(), work);
        double plannedTotal = configs.stream().mapToDouble(Harness::weight).sum();
        progress.printf("harness: %d configurations, systems %s, idle %s, output %s; planned about %s min:s%n",
            configs.size(), o.systems(), o.idle().label(), o.out(), clock(plannedTotal));
        evidence.notes().forEach(n -> progress.println("harness: " + n));
        ConfigRunner runner = new ConfigRunner(classPath, work, o.idle(), o.extraFlags(), evidence);
        long t0 = System.nanoTime();
        Path report;
        List<ConfigResult> results;
        try (ReportAtExit reports = new ReportAtExit(configs.size(), progress, (done, interruption) -> new Report(
            o.out(), command, machine, o.idle(), o.baseline(), o.systems(), o.extraFlags(), done,
            (System.nanoTime() - t0) / 1e9, Machine.loadAverage(), evidence.notes(), interruption))) {
            double plannedDone = 0;
            for (int i = 0; i < configs.size(); i++) {
                Config c = configs.get(i);
                ConfigResult r = runner.run(c);
                reports.add(r);
                plannedDone += weight(c);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                double eta = elapsed / plannedDone * (plannedTotal - plannedDone);
                // one whole line per finished configuration: a line begun before the run could be split by
                // anything the JVM prints meanwhile (a warning on stderr, merged by a launcher), and a reader
                // waiting for "[1/n] " would take a configuration in flight for a finished one
                progress.printf("[%d/%d] %-58s %s  | %s elapsed, ETA %s%n", i + 1, configs.size(), c.id(), summary(r),
                    clock(elapsed), clock(eta));
            }
            report = reports.writeComplete();
            results = reports.results();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        progress.printf("harness: done in %s; %d ok, %d failed, %d skipped%n", clock(elapsed),
            results.stream().filter(ConfigResult::ok).count(),
            results.stream().filter(r -> r.status() == ConfigResult.Status.FAILED).count(),
            results.stream().filter(r -> r.status() == ConfigResult.Status.SKIPPED).count());
        deleteWorkDirIfClean(work, results);
        return new Outcome(report, results, runner.runIdPrefix());
    }

    /** The command line as {@link Options}; an {@link IllegalArgumentException} says what is wrong with it. */
    private static Options parse(String[] args) {
        boolean full = false;
        List<String> systems = Transports.names();
        List<Integer> sizes = null;
        List<Integer> subscribers = null;
        List<Integer> bursts = null;
        List<Workload> workloads = null;
        long rate = 10_000;
        long pace = Plan.DEFAULT_PACE;
        long messages = 0;
        long warmup = -1;
        double warmupSeconds = -1;
        boolean gcLog = false;
        boolean profile = false;
        boolean perfStat = false;
        boolean dryRun = false;
        Idle idle = Idle.SPIN;
        String baseline = "xmem";
        Path out = null;
        List<String> extraFlags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> full = false;
                case "--full" -> full = true;
                case "--systems" -> systems = Arrays.asList(value(args, ++i, a).split(","));
                case "--sizes" -> sizes = Sizes.parseList(value(args, ++i, a));
                case "--subscribers" -> subscribers = ints(value(args, ++i, a));
                case "--mode", "--modes" -> workloads = Arrays.stream(value(args, ++i, a).split(","))
                    .map(Workload::parse).toList();
                case "--rate" -> rate = Long.parseLong(value(args, ++i, a));
                case "--pace" -> pace = Long.parseLong(value(args, ++i, a));
                case "--burst" -> bursts = ints(value(args, ++i, a));
                case "--messages" -> messages = Long.parseLong(value(args, ++i, a));
                case "--warmup" -> warmup = Long.parseLong(value(args, ++i, a));
                case "--warmup-time" -> warmupSeconds = seconds(value(args, ++i, a));
                case "--gc-log" -> gcLog = true;
                case "--profile" -> profile = true;
                case "--perf-stat" -> perfStat = true;
                case "--dry-run" -> dryRun = true;
                case "--idle" -> idle = Idle.parse(value(args, ++i, a));
                case "--baseline" -> baseline = value(args, ++i, a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--jvm-flag" -> extraFlags.add(value(args, ++i, a));
                case "-h", "--help" -> throw new IllegalArgumentException("help");
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (pace < 1 || rate < 1) {
            throw new IllegalArgumentException("--pace and --rate take messages per second, at least 1");
        }
        for (String s : systems) {
            if (!Transports.has(s)) {
                throw new IllegalArgumentException("unknown system '" + s + "'; present: " + Transports.names());
            }
        }
        boolean fanOutEverywhere = subscribers != null;
        Plan plan = new Plan(
            workloads != null ? workloads : full ? Arrays.asList(Workload.values())
                : List.of(Workload.ONE_WAY, Workload.ROUND_TRIP, Workload.THROUGHPUT),
            systems,
            sizes != null ? sizes : full ? Plan.ALL_SIZES : Plan.QUICK_SIZES,
            subscribers != null ? subscribers : full ? List.of(1, 2, 4) : List.of(1),
            bursts != null ? bursts : full ? List.of(1, 16) : List.of(1),
            rate, pace, !full, messages, warmup, warmupSeconds, fanOutEverywhere);
        if (out == null) {
            Path results = Files.isDirectory(Path.of("perf")) ? Path.of("perf", "results") : Path.of("results");
            out = results.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm")));
        }
        return new Options(plan, systems, idle, baseline, out, dryRun, gcLog, profile, perfStat, extraFlags);
    }

    /**
     * The usage, with the planned durations of the two presets as --dry-run computes them: the one place
     * they are stated, so the help, the scripts and the docs cannot disagree about them.
     */
    static String usage() {
        return String.format(USAGE, Transports.names(), clock(planned("--quick")), clock(planned("--full")));
    }

    private static double planned(String preset) {
        return parse(new String[] {preset, "--out", "unused"}).plan().configs().stream()
            .mapToDouble(Harness::weight).sum();
    }

    /** Planned seconds of a config, start-up of its JVMs included, for the ETA. */
    private static double weight(Config c) {
        return c.expectedSeconds() + 1.5 + 0.3 * c.subscribers() + (c.system().equals("aeron-ipc") ? 1.0 : 0);
    }

    /** A duration: {@code 2s}, {@code 500ms}, {@code 1.5} (seconds). */
    static double seconds(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Double.parseDouble(t.substring(0, t.length() - 2)) / 1000;
        }
        return Double.parseDouble(t.endsWith("s") ? t.substring(0, t.length() - 1) : t);
    }

    private static String summary(ConfigResult r) {
        return switch (r.status()) {
            case SKIPPED -> "skipped: " + r.note();
            case FAILED -> "FAILED: " + r.note().lines().findFirst().orElse("");
            case OK -> String.format("p50 %s p99 %s  %s msg/s", Report.micros(r.micros(50)),
                Report.micros(r.micros(99)),
                Report.count(r.messagesPerSecond()));
        };
    }

    /** Child logs are kept only when something failed (they say why). */
    private static void deleteWorkDirIfClean(Path work, List<ConfigResult> results) throws IOException {
        if (results.stream().anyMatch(r -> r.status() == ConfigResult.Status.FAILED)) {
            return;
        }
        try (var files = Files.list(work)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(work);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d", s / 60, s % 60);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static List<Integer> ints(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }
}
