package io.xmem.tools;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code xmem bench}: finds the checkout, passes options through to {@code perf/bench} unchanged,
 * streams what the harness prints, and hands back its exit code. The harness itself is tested in
 * perf; here a stand-in {@code perf/bench} script shows what bench passes it.
 */
class BenchCommandTest {
    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    /** Hang guards only. */
    private static final Duration STARTED = Duration.ofSeconds(60);
    private static final Duration GONE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final Launcher launcher = new Launcher();

    @AfterEach
    void stop() {
        launcher.close();
    }

    @Test
    void optionsGoToTheHarnessUnchangedWithAQuickRunAndAScratchReportByDefault() {
        CliRun run = CliRun.of("bench", "--root", CHECKOUT.toString(), "--print-command",
            "--systems", "xmem", "--sizes", "32,1m", "--mode", "round-trip", "--messages", "1000");

        assertEquals(0, run.code(), run.all());
        String expected = "sh " + CHECKOUT.resolve("perf/bench")
            + " --quick --systems xmem --sizes 32,1m --mode round-trip --messages 1000 --out "
            + CHECKOUT.resolve("perf/results/tmp/bench-");
        assertTrue(run.out().startsWith(expected), run.all());

        CliRun full = CliRun.of("bench", "--root", CHECKOUT.toString(), "--print-command", "--full", "--out", "/tmp/r");
        assertEquals("sh " + CHECKOUT.resolve("perf/bench") + " --full --out /tmp/r\n", full.out(), full.all());
    }

    @Test
    void theHarnessRunsAsAChildWhoseOutputIsStreamedAndWhoseExitCodeIsKept() throws IOException {
        Path fake = fakeCheckout("exit3");

        CliRun run = CliRun.of("bench", "--root", fake.toString(), "--systems", "xmem", "--out", "r");

        assertEquals(3, run.code(), run.all());
        assertTrue(run.out().contains(
            "[1/2] round-trip-xmem-32B-1sub p50 1.60\nargs: --quick --systems xmem --out r\n"), run.all());
    }

    @Test
    void aHarnessUsageErrorIsAnXmemUsageError() throws IOException {
        Path fake = fakeCheckout("usage");

        CliRun run = CliRun.of("bench", "--root", fake.toString(), "--bogus");

        assertEquals(2, run.code(), run.all());
        assertTrue(run.out().contains("harness: a usage error in --quick --bogus --out "), run.all());
    }

    /** Issue 15, defect 2: xmem killed outright left the harness running, busy, for the whole run. */
    @Test
    void theHarnessOfAKilledXmemBenchLeaves() throws IOException {
        ChildProcess bench = runningBench();
        List<ProcessHandle> harness = bench.awaitChildren(1, STARTED);

        bench.crash(); // SIGKILL: no clean-up in xmem

        assertEquals(List.of(), Launcher.awaitExit(harness, GONE),
            "the harness still runs " + GONE.toSeconds() + " s after xmem was killed" + bench.diagnostics());
    }

    /** Issue 15, defect 7: stopping xmem bench (Ctrl-C) lost the run; the harness now writes what it has. */
    @Test
    void aStoppedXmemBenchWaitsForTheHarnessesPartialReport() throws IOException {
        ChildProcess bench = runningBench();
        List<ProcessHandle> harness = bench.awaitChildren(1, STARTED);

        ProcessHandle.of(bench.pid()).orElseThrow().destroy(); // SIGTERM to xmem alone

        bench.awaitLine("harness: stopped after 1 of 2 configurations; partial report: fake.md", GONE);
        assertEquals(List.of(), Launcher.awaitExit(harness, GONE), bench.diagnostics());
    }

    @Test
    void outsideACheckoutBenchSaysWhereToRunIt() {
        CliRun notACheckout = CliRun.of("bench", "--root", dir.toString());
        assertEquals(1, notACheckout.code(), notACheckout.all());
        assertTrue(notACheckout.err().startsWith(
            "xmem bench: " + dir + " is not an xmem checkout (no perf/bench there)"), notACheckout.all());
        assertFalse(notACheckout.err().contains("Exception"), notACheckout.all());

        assumeTrue(System.getenv(BenchCommand.ROOT_ENV) == null, "XMEM_ROOT is set in this environment");
        String saved = System.clearProperty(BenchCommand.ROOT_PROPERTY);
        try {
            CliRun none = CliRun.of("bench");
            assertEquals(1, none.code(), none.all());
            assertTrue(none.err().contains("this xmem was not started from one: run ./xmem bench in a clone"),
                none.all());
        } finally {
            if (saved != null) {
                System.setProperty(BenchCommand.ROOT_PROPERTY, saved);
            }
        }
    }

    @Test
    void helpListsThePassedThroughOptions() {
        CliRun run = CliRun.of("bench", "--help");
        assertEquals(0, run.code(), run.all());
        String[] options = {"--systems", "--sizes", "--mode", "--messages", "--root", "--print-command"};
        for (String option : options) {
            assertTrue(run.out().contains(option), option + "\n" + run.all());
        }
    }

    /** An xmem JVM running bench on a fake checkout whose harness runs until stopped, once it has begun. */
    private ChildProcess runningBench() throws IOException {
        ChildProcess bench = launcher.start(JvmCommand.of(XmemCli.class).label("xmem bench")
            .args("bench", "--root", fakeCheckout("run").toString(), "--systems", "xmem"));
        bench.awaitLine(line -> line.startsWith("[1/2] "), STARTED);
        return bench;
    }

    /**
     * A checkout whose perf/bench runs {@link FakeHarness} in {@code mode}: asked for the harness's java
     * arguments it gives them, as the real script does; otherwise it runs the harness itself, as the
     * script does when a person runs it.
     */
    private Path fakeCheckout(String mode) throws IOException {
        Path perf = Files.createDirectories(dir.resolve("checkout/perf"));
        Files.writeString(perf.resolve("pom.xml"), "<project/>");
        String classPath = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(perf.resolve("bench"), "#!/bin/sh\n"
            + "if [ \"$1\" = " + BenchCommand.PRINT_JAVA_ARGS + " ]; then\n"
            + "  printf '%s\\n' -Dfake.harness=" + mode + " -cp '" + classPath + "' " + FakeHarness.class.getName()
            + "\n  exit 0\nfi\n"
            + "exec '" + java + "' -Dfake.harness=" + mode + " -cp '" + classPath + "' " + FakeHarness.class.getName()
            + " \"$@\"\n");
        return perf.getParent();
    }
}
