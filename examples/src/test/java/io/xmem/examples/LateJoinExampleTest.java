package io.xmem.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code examples/run late-join}: a strategy started two seconds into the feed counts every quote
 * exactly once, the first ones from the recorder's archive, the rest from the live ring.
 */
class LateJoinExampleTest {
    private final String name = ExampleRun.uniqueName("late");

    @AfterEach
    void cleanUp() throws IOException {
        ExampleRun.cleanUp(name);
    }

    @Test
    void aStrategyStartedLateCatchesUpFromTheArchiveAndFollowsTheFeedWithAnExactCount() {
        ExampleRun run = ExampleRun.of("late-join", "--name", name, "--rate", "50000", "--seconds", "8", "--late", "2");

        assertEquals(0, run.code(), run.all());
        long published = Long.parseLong(run.find("^\\[feed\\] published (\\d+) quotes in ").group(1));
        Matcher late = run.find("^\\[late strategy\\] received (\\d+) of (\\d+) quotes: (\\d+) from the archive, then "
            + "(\\d+) live; no gap, no duplicate$");
        assertEquals(published, Long.parseLong(late.group(1)));
        assertEquals(published, Long.parseLong(late.group(2)));
        long history = Long.parseLong(late.group(3));
        long live = Long.parseLong(late.group(4));
        assertEquals(published, history + live);
        assertTrue(history > 0 && live > 0, "it caught up while the feed still ran: " + late.group());
        run.find("^\\[strategy\\] received " + published + " of " + published + " quotes, lost 0");
        run.find("^OK: the late strategy counted every quote once, from the archive and then live$");
    }
}
