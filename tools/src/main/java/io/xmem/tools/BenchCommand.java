package io.xmem.tools;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.pool.XmemException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xmem bench [HARNESS OPTIONS]}: the cross-process benchmark harness of the checkout this
 * xmem came from ({@code perf/bench}), started as a child JVM of this one ({@code io.xmem.launch}) with
 * its output streamed. The harness and its peers (Aeron, Chronicle, ...) stay out of xmem.jar: bench
 * needs the checkout. Stopped (Ctrl-C), xmem gives the harness a minute to write its partial report;
 * killed outright, the harness sees its parent gone and leaves the same way, with its own children.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Runs the cross-process benchmark harness (perf/bench) and streams its progress.", "",
        "Real publisher and subscriber JVMs per configuration, busy-spin, HdrHistogram; xmem beside the peers "
            + "(Agrona ring, Aeron IPC, Chronicle Queue, Unix sockets) where they are present. Every option other "
            + "than the ones below goes to the harness unchanged, for example:",
        "  --quick              one-way, round-trip, throughput; 32 B, 4 KiB, 1 MiB (the default)",
        "  --full               every mode, size and fan-out",
        "  --systems xmem,agrona-ring,aeron-ipc,chronicle-queue,uds,floor",
        "  --sizes 32,4k,1m     message sizes",
        "  --mode one-way,round-trip,throughput,rate",
        "  --subscribers 1,2,4  fan-out",
        "  --messages N  --warmup N  --rate N  --idle spin|backoff  --jvm-flag FLAG",
        "'xmem bench -- --help' prints the harness's own list, with how long each preset is planned to take; "
            + "--dry-run lists a run's configurations and runs nothing. The report (report.md, histograms, charts) "
            + "goes to perf/results/tmp/bench-<time>/ unless --out says otherwise; the harness builds "
            + "perf/target/benchmarks.jar on first use.",
        "Ctrl-C stops the run and keeps a partial report of the configurations that finished; if xmem is killed "
            + "outright, the harness and its processes still leave, and write that report too.",
        "Needs a checkout of the xmem repository: the ./xmem launcher passes its own; otherwise use --root or "
            + "XMEM_ROOT. Exit code: the harness's (2 for a usage error).", ""},
    footer = {"", "Example: xmem bench --systems xmem --sizes 32,1m --mode round-trip --messages 20000"})
final class BenchCommand implements Callable<Integer> {
    /** Where the launcher says the checkout is. */
    static final String ROOT_PROPERTY = "xmem.root";
    static final String ROOT_ENV = "XMEM_ROOT";
    /** The harness's exit code for bad options. */
    private static final int HARNESS_USAGE = 64;
    /** What perf/bench is asked for the harness's java arguments. */
    static final String PRINT_JAVA_ARGS = "--print-java-args";
    /** How long a stopped harness may take to write its partial report. */
    private static final Duration REPORT_GRACE = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR",
        description = "The xmem checkout whose perf/bench to run (default: the one ./xmem runs from, or $XMEM_ROOT).")
    Path root;

    @Option(names = "--print-command", description = "Print the command bench would run, and run nothing.")
    boolean printCommand;

    @Unmatched
    List<String> harnessArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path checkout = checkout();
        Path script = checkout.resolve("perf/bench");
        List<String> args = new ArrayList<>(harnessArgs);
        if (!args.isEmpty() && args.getFirst().equals("--")) {
            args.removeFirst();
        }
        if (args.stream().noneMatch(a -> a.equals("--quick") || a.equals("--full"))) {
            args.addFirst("--quick");
        }
        if (!args.contains("--out") && !args.contains("--help") && !args.contains("-h")) {
            args.add("--out");
            args.add(checkout.resolve("perf/results/tmp/bench-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"))).toString());
        }
        if (printCommand) {
            out.println("sh " + script + " " + String.join(" ", args));
            out.flush();
            return XmemCli.OK;
        }
        out.println("xmem bench: perf/bench " + String.join(" ", args));
        out.flush();
        JvmCommand harness = harnessCommand(checkout, script).args(args).mergeErrors()
            .onLine(line -> {
                out.println(line);
                out.flush(); // progress as it comes
            });
        // The harness is this JVM's child: stopped (Ctrl-C) it gets SIGTERM and time to write its partial
        // report; killed outright, it sees its parent gone and leaves the same way, with its children.
        try (Launcher launcher = new Launcher()) {
            ChildProcess run = launcher.start(harness.stopGrace(REPORT_GRACE));
            run.waitFor(Duration.ofDays(365)); // as long as the run takes; Ctrl-C ends it
            int code = run.exitCode();
            return code == HARNESS_USAGE ? spec.exitCodeOnInvalidInput() : code;
        }
    }

    /**
     * The harness as a JVM command: {@code perf/bench --print-java-args} builds its jar when needed
     * (progress on our stderr) and says how to start it; the launcher then starts it as our child.
     */
    private static JvmCommand harnessCommand(Path checkout, Path script) throws IOException, InterruptedException {
        Process ask = new ProcessBuilder("sh", script.toString(), PRINT_JAVA_ARGS).directory(checkout.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ask.getOutputStream().close();
        List<String> words = new String(ask.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
            .filter(w -> !w.isBlank()).toList();
        int code = ask.waitFor();
        int cp = words.indexOf("-cp");
        if (code != 0 || cp < 0 || words.size() < cp + 3) {
            throw new XmemException("'sh " + script + " " + PRINT_JAVA_ARGS + "' failed (exit " + code + ", said "
                + words + "): its messages above say why");
        }
        List<String> flags = new ArrayList<>(words.subList(0, cp));
        flags.addAll(words.subList(cp + 2, words.size() - 1));
        return JvmCommand.of(words.getLast()).label("harness").classPath(words.get(cp + 1)).flags(flags)
            .directory(checkout);
    }

    /** The checkout to run the harness of; a clear failure when there is none. */
    private Path checkout() {
        Path dir = root;
        if (dir == null) {
            String given = System.getProperty(ROOT_PROPERTY, System.getenv(ROOT_ENV));
            if (given == null || given.isBlank()) {
                throw new XmemException("bench runs the harness of an xmem checkout (perf/bench), and this xmem was "
                    + "not started from one: run ./xmem bench in a clone of the repository, or pass --root DIR (or set "
                    + ROOT_ENV + ")");
            }
            dir = Path.of(given);
        }
        if (!Files.isRegularFile(dir.resolve("perf/bench")) || !Files.isRegularFile(dir.resolve("perf/pom.xml"))) {
            throw new XmemException(dir + " is not an xmem checkout (no perf/bench there): pass --root with the "
                + "directory of your clone, or run ./xmem bench from it");
        }
        return dir.toAbsolutePath().normalize();
    }
}
