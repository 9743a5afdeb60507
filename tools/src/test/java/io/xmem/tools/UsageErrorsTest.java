package io.xmem.tools;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Usage errors of every kind print the error and a one-line hint, exit 2 (issue 15, defect 5):
 * before, picocli's whole help page followed the one line that mattered, and a bridge option
 * the bridge rejected was a failure (exit 1) rather than a usage error.
 */
class UsageErrorsTest {
    private static void assertUsageError(String expectedError, String hint, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(2, run.code(), run.all());
        assertEquals(List.of(expectedError, "Try '" + hint + " --help' for the options."), run.err().lines().toList(),
            run.all());
        assertEquals("", run.out(), run.all());
    }

    @Test
    void aMissingOrUnknownArgumentIsOneLineAndAHint() {
        assertUsageError("xmem stat: Missing required parameter: 'NAME'", "xmem stat", "stat");
        assertUsageError("xmem ls: Unknown option: '--bogus'", "xmem ls", "ls", "--bogus");
        assertUsageError("xmem: Missing command: try 'xmem demo'", "xmem");
    }

    @Test
    void aNameThatIsNotAPlainFileNameIsAUsageError() {
        CliRun run = CliRun.of("rm", "../etc/passwd");
        assertEquals(2, run.code(), run.all());
        List<String> lines = run.err().lines().toList();
        assertEquals(2, lines.size(), run.all());
        assertEquals("Try 'xmem rm --help' for the options.", lines.getLast(), run.all());
    }

    @Test
    void bridgeOptionsTheBridgeRejectsAreUsageErrors() {
        assertUsageError("xmem bridge in: Invalid value for option '--idle': expected one of [SPIN, YIELD, BACKOFF, "
            + "SLEEP] (case-insensitive) but was 'bogus'", "xmem bridge in",
            "bridge", "in", "md", "--channel", "aeron:udp?endpoint=localhost:40456", "--idle", "bogus");
        assertUsageError("xmem bridge out: a bridge needs an Aeron channel URI such as aeron:udp?endpoint=host:40456, "
            + "not udp://localhost:40456", "xmem bridge out",
            "bridge", "out", "md", "--channel", "udp://localhost:40456");
        assertUsageError("xmem bridge: Missing direction: 'xmem bridge out NAME ...' (ring to Aeron) or "
            + "'xmem bridge in NAME ...' (Aeron to ring)", "xmem bridge", "bridge");
    }
}
