package io.xmem.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code examples/run market-data}: one feed process, two strategy processes, reliable and lossy. */
class MarketDataExampleTest {
    private final String name = ExampleRun.uniqueName("md");

    @AfterEach
    void cleanUp() throws IOException {
        ExampleRun.cleanUp(name);
    }

    @Test
    void reliableStrategiesReceiveEveryQuote() {
        ExampleRun run = ExampleRun.of("market-data", "--name", name, "--rate", "50000", "--seconds", "2",
            "--strategies", "2", "--idle", "yield");

        assertEquals(0, run.code(), run.all());
        long published = Long.parseLong(run.find("^\\[feed\\] published (\\d+) quotes in ").group(1));
        for (int s = 1; s <= 2; s++) {
            run.find("^\\[strategy " + s + "\\] received " + published + " of " + published
                + " quotes, lost 0 \\(sequence gaps 0, ring says 0\\), \\d+ signals$");
            run.assertLatencyLine("[strategy " + s + "] lag (publish to receive)", published);
        }
        run.find("^OK: every strategy accounted for every quote, none lost$");
    }

    @Test
    void lossyStrategiesAccountForWhatTheyMissed() {
        // A 4 KiB ring holds 64 quotes: yielding strategies on a busy machine fall behind and lose some.
        ExampleRun run = ExampleRun.of("market-data", "--name", name, "--rate", "500000", "--seconds", "2",
            "--strategies", "2", "--idle", "yield", "--lossy", "--capacity", "4096");

        assertEquals(0, run.code(), run.all());
        long published = Long.parseLong(run.find("^\\[feed\\] published (\\d+) quotes in ").group(1));
        for (int s = 1; s <= 2; s++) {
            Matcher m = run.find("^\\[strategy " + s + "\\] received (\\d+) of " + published
                + " quotes, lost (\\d+) \\(sequence gaps (\\d+), ring says (\\d+)\\)");
            long received = Long.parseLong(m.group(1));
            long lost = Long.parseLong(m.group(2));
            assertEquals(published, received + lost, m.group());
            assertEquals(lost, Long.parseLong(m.group(3)), m.group());
            assertEquals(lost, Long.parseLong(m.group(4)), "the ring's count agrees: " + m.group());
        }
        run.find("^OK: every strategy accounted for every quote \\(received or lost\\)$");
    }
}
