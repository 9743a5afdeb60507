package io.xmem.perf.harness;

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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A harness stopped before its last configuration keeps a partial report (issue 15, defect 7: Ctrl-C of
 * {@code xmem bench} kept nothing), and one whose parent is killed leaves with it (defect 2: killing
 * {@code xmem bench} with SIGKILL orphaned the harness). Two small configurations; the harness is stopped
 * once the first has finished, and must leave none of the second's shared files behind.
 */
class StoppedHarnessTest {
    /** Hang guards only. */
    private static final Duration FIRST_DONE = Duration.ofSeconds(120);
    private static final Duration GONE = Duration.ofSeconds(60);

    @TempDir
    Path out;

    private final Launcher launcher = new Launcher();

    @AfterEach
    void stop() {
        launcher.close();
    }

    private JvmCommand harness(Class<?> main) {
        // As perf/bench starts it: without the flag the JDK's one-time warning about the ring's
        // downcalls lands in the middle of the "[1/2] ..." line this test waits for.
        return JvmCommand.of(main).flags("--enable-native-access=ALL-UNNAMED")
            .args("--systems", "xmem", "--sizes", "32", "--mode", "one-way,round-trip", "--messages", "2000",
                "--warmup", "200", "--warmup-time", "100ms", "--idle", "backoff", "--out", out.toString());
    }

    @Test
    void aHarnessAskedToStopKeepsAPartialReport() throws IOException {
        ChildProcess harness = launcher.start(harness(Harness.class).stopGrace(GONE));
        // "[1/2] ... p50 ..." ends when the first configuration is done and the second begins
        harness.awaitLine(line -> line.startsWith("[1/2] "), FIRST_DONE);

        harness.close(); // SIGTERM, as Ctrl-C or xmem bench's own stop sends it

        assertPartialReport(harness.diagnostics());
        assertNothingLeft(harness.pid());
        assertTrue(harness.diagnostics().contains("harness: stopped after 1 of 2 configurations; partial report: "
            + out.resolve("report.md")), harness.diagnostics());
    }

    @Test
    void aHarnessWhoseParentIsKilledLeavesWithAPartialReport() throws IOException {
        ChildProcess parent = launcher.start(harness(HarnessParent.class));
        long harnessPid = Long.parseLong(parent.awaitLine(line -> line.startsWith("harness "), FIRST_DONE)
            .substring("harness ".length()));
        ProcessHandle harness = ProcessHandle.of(harnessPid).orElseThrow();
        parent.awaitLine(line -> line.startsWith("[1/2] "), FIRST_DONE);

        parent.crash(); // SIGKILL: the parent's clean-up never runs

        assertEquals(List.of(), Launcher.awaitExit(List.of(harness), GONE),
            "the harness still runs " + GONE.toSeconds() + " s after its parent was killed" + parent.diagnostics());
        assertPartialReport(parent.diagnostics());
        assertNothingLeft(harnessPid);
    }

    /** The configuration in flight made its ring in /dev/shm (named after the harness's pid): it is gone. */
    private static void assertNothingLeft(long harnessPid) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString())
                .filter(f -> f.contains("h" + harnessPid + "-")).toList(), "left behind by the stopped harness");
        }
    }

    private void assertPartialReport(String diagnostics) throws IOException {
        Path md = out.resolve("report.md");
        assertTrue(Files.exists(md), "no report.md" + diagnostics);
        String report = Files.readString(md);
        assertTrue(report.contains("**Partial report:** the run was stopped after 1 of 2 configurations"), report);
        assertTrue(report.contains("xmem"), report);
    }
}
