package io.xmem.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    @TempDir
    Path dir;

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
        Path fake = fakeCheckout("echo \"[1/1] round-trip-xmem-32B-1sub p50 1.60\"\necho \"args: $*\"\nexit 3\n");

        CliRun run = CliRun.of("bench", "--root", fake.toString(), "--systems", "xmem", "--out", "r");

        assertEquals(3, run.code(), run.all());
        assertTrue(run.out().contains(
            "[1/1] round-trip-xmem-32B-1sub p50 1.60\nargs: --quick --systems xmem --out r\n"), run.all());
    }

    @Test
    void aHarnessUsageErrorIsAnXmemUsageError() throws IOException {
        Path fake = fakeCheckout("echo 'harness: unknown option --bogus' >&2\nexit 64\n");

        CliRun run = CliRun.of("bench", "--root", fake.toString(), "--bogus");

        assertEquals(2, run.code(), run.all());
        assertTrue(run.out().contains("harness: unknown option --bogus"), run.all());
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

    private Path fakeCheckout(String benchScript) throws IOException {
        Path perf = Files.createDirectories(dir.resolve("checkout/perf"));
        Files.writeString(perf.resolve("pom.xml"), "<project/>");
        Files.writeString(perf.resolve("bench"), "#!/bin/sh\n" + benchScript);
        return perf.getParent();
    }
}
