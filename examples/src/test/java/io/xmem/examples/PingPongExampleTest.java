package io.xmem.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code examples/run pingpong}: two real processes, two rings, a histogram of round trips. */
class PingPongExampleTest {
    private final String name = ExampleRun.uniqueName("pingpong");

    @AfterEach
    void cleanUp() throws IOException {
        ExampleRun.cleanUp(name);
    }

    @Test
    void everyMessageComesBackAndTheHistogramIsPrinted() {
        ExampleRun run = ExampleRun.of("pingpong", "--name", name, "--messages", "20000", "--warmup", "5000",
            "--idle", "yield");

        assertEquals(0, run.code(), run.all());
        run.find("^\\[pong\\] echoed 25000 messages$");
        for (String row : new String[] {"p50", "p90", "p99", "p99.9", "max", "mean"}) {
            run.find("^\\[ping\\]\\s+" + Pattern.quote(row) + "\\s+[\\d.]+ µs");
        }
        run.assertLatencyLine("[ping] round trip", 20000);
        run.find("^OK: every message came back in order$");
    }

    @Test
    void sleepingOnTheFutexWorksToo() {
        ExampleRun run = ExampleRun.of("pingpong", "--name", name, "--messages", "3000", "--warmup", "500",
            "--idle", "sleep", "--size", "64");

        assertEquals(0, run.code(), run.all());
        run.find("64-byte messages, sleep on the ring's futex");
        run.assertLatencyLine("[ping] round trip", 3000);
    }

    @Test
    void badOptionsAreUsageErrors() {
        ExampleRun tooSmall = ExampleRun.of("pingpong", "--size", "4");
        assertEquals(2, tooSmall.code(), tooSmall.all());
        assertTrue(tooSmall.err().contains("--size from 16 to 1024"), tooSmall.all());
        // the error and a one-line hint, not the help page (issue 15, defect 5)
        List<String> lines = tooSmall.err().lines().toList();
        assertEquals(2, lines.size(), tooSmall.all());
        assertTrue(lines.getFirst().startsWith("examples/run pingpong: "), tooSmall.all());
        assertEquals("Try 'examples/run pingpong --help' for the options.", lines.getLast(), tooSmall.all());

        ExampleRun none = ExampleRun.of();
        assertEquals(2, none.code(), none.all());
        assertTrue(none.err().contains("Missing example: pingpong, video, market-data, late-join, pipeline or "
            + "gpu-frames"), none.all());

        ExampleRun help = ExampleRun.of("pingpong", "--help");
        assertEquals(0, help.code(), help.all());
        assertTrue(help.out().contains("--idle=HOW"), help.all());
    }
}
