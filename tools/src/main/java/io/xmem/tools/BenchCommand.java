package io.xmem.tools;

import io.xmem.pool.XmemException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xmem bench [HARNESS OPTIONS]}: the cross-process benchmark harness of the checkout this
 * xmem came from ({@code perf/bench}), started as a child process with its output streamed. The
 * harness and its peers (Aeron, Chronicle, ...) stay out of xmem.jar: bench needs the checkout.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Runs the cross-process benchmark harness (perf/bench) and streams its progress.", "",
        "Real publisher and subscriber JVMs per configuration, busy-spin, HdrHistogram; xmem beside the peers "
            + "(Agrona ring, Aeron IPC, Chronicle Queue, Unix sockets) where they are present. Every option other "
            + "than the ones below goes to the harness unchanged, for example:",
        "  --quick              one-way, round-trip, throughput; 32 B, 4 KiB, 1 MiB",
        "                       (the default, about 2 minutes)",
        "  --full               every mode, size and fan-out (about an hour)",
        "  --systems xmem,agrona-ring,aeron-ipc,chronicle-queue,uds,floor",
        "  --sizes 32,4k,1m     message sizes",
        "  --mode one-way,round-trip,throughput,rate",
        "  --subscribers 1,2,4  fan-out",
        "  --messages N  --warmup N  --rate N  --idle spin|backoff  --jvm-flag FLAG",
        "'xmem bench -- --help' prints the harness's own list. The report (report.md, histograms, charts) goes "
            + "to perf/results/tmp/bench-<time>/ unless --out says otherwise; the harness builds "
            + "perf/target/benchmarks.jar on first use.",
        "Needs a checkout of the xmem repository: the ./xmem launcher passes its own; otherwise use --root or "
            + "XMEM_ROOT. Exit code: the harness's (2 for a usage error).", ""},
    footer = {"", "Example: xmem bench --systems xmem --sizes 32,1m --mode round-trip --messages 20000"})
final class BenchCommand implements Callable<Integer> {
    /** Where the launcher says the checkout is. */
    static final String ROOT_PROPERTY = "xmem.root";
    static final String ROOT_ENV = "XMEM_ROOT";
    /** The harness's exit code for bad options. */
    private static final int HARNESS_USAGE = 64;

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
        List<String> command = new ArrayList<>(List.of("sh", checkout.resolve("perf/bench").toString()));
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
        command.addAll(args);
        if (printCommand) {
            out.println(String.join(" ", command));
            out.flush();
            return XmemCli.OK;
        }
        out.println("xmem bench: " + String.join(" ", command.subList(1, command.size())));
        out.flush();
        Process harness = new ProcessBuilder(command).directory(checkout.toFile()).redirectErrorStream(true).start();
        harness.getOutputStream().close();
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(harness.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                out.println(line);
                out.flush(); // progress as it comes
            }
        } finally {
            if (harness.isAlive()) { // we were interrupted: do not leave the harness running
                harness.descendants().forEach(ProcessHandle::destroy);
                harness.destroy();
            }
        }
        int code = harness.waitFor();
        return code == HARNESS_USAGE ? spec.exitCodeOnInvalidInput() : code;
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
