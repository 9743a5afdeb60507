package io.xmem.tools;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.pool.BufferPool;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xmem evict RING INDEX} (issue 14, item 3): an operator evicts a stopped subscriber JVM of a ring
 * made with {@code xmem create ring --subscriber-timeout}; the command says who it evicted and how far
 * behind it was, {@code stat} shows it evicted, and once the subscriber runs again its next poll throws
 * {@code SubscriberEvictedException} with the same lag. Wrong rings and indexes are clear errors.
 */
class EvictCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int RECORDS = 3;

    @TempDir
    Path dir;

    private final Launcher launcher = new Launcher();
    private final String name = "xmem-tools-evict-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private ChildProcess subscriber;

    @BeforeEach
    void createPoolAndRing() {
        assertEquals(0, CliRun.of("create", "pool", name, "--class", "4KiB:8", "--dir", dir.toString()).code());
        CliRun ring = CliRun.of("create", "ring", name, "--pool", name, "--capacity", "64KiB", "--subscriber-timeout",
            "600", "--dir", dir.toString());
        assertEquals(0, ring.code(), ring.all());
        assertTrue(ring.out().contains("reliable, evicting a subscriber that holds publishers back 600 s"),
            ring.all());
    }

    @AfterEach
    void stopAndDelete() throws IOException, InterruptedException {
        try {
            if (subscriber != null && subscriber.isAlive()) {
                signal("CONT", subscriber.pid()); // a stopped child could not act on anything else
            }
            launcher.close();
        } finally {
            Ring.delete(name, dir);
            BufferPool.delete(name, dir);
        }
    }

    @Test
    void evictsAStoppedSubscriberWhichLearnsItAtItsNextPoll() throws Exception {
        subscriber = launcher.start(JvmCommand.of(RingRole.class).label("slow-reader")
            .flags("-Dxmem.label=slow-reader", "--enable-native-access=ALL-UNNAMED")
            .args("subscribe", name, dir.toString()));
        subscriber.awaitLine("ready", WAIT);
        signal("STOP", subscriber.pid()); // a GC pause, a debugger: alive, and reading nothing
        awaitStopped(subscriber.pid());
        int index;
        long tail;
        try (Ring ring = Ring.open(name, dir); Publication publication = ring.publication()) {
            for (int i = 0; i < RECORDS; i++) {
                assertTrue(publication.offer(MemorySegment.ofArray(new byte[100])) > 0, "offer " + i);
            }
            tail = ring.tail();
            index = ring.stats().subscribers().stream().filter(s -> s.pid() == subscriber.pid())
                .mapToInt(RingStats.SubscriberStats::index).findFirst().orElseThrow();
        }

        CliRun evict = CliRun.of("evict", name, Integer.toString(index), "--dir", dir.toString());

        assertEquals(0, evict.code(), evict.all());
        assertEquals("evicted subscriber " + index + " of ring '" + name + "': pid " + subscriber.pid() + ", label "
            + "slow-reader, " + tail + " bytes behind the tail; its next poll throws SubscriberEvictedException\n",
            evict.out(), evict.all());
        CliRun stat = CliRun.of("stat", name, "--dir", dir.toString());
        assertRow(stat, "^\\s+" + index + "\\s+" + subscriber.pid() + " evict\\s+0\\s+" + tail + "\\s+0\\s+slow-reader"
            + "\\s+\\(evicted: it held publishers back too long, or an operator evicted it\\)$");

        signal("CONT", subscriber.pid());
        String line = subscriber.awaitLine(l -> l.startsWith("evicted "), WAIT);
        Matcher m = Pattern.compile("^evicted lag=(\\d+) subscriber " + index + " of ring '" + Pattern.quote(name)
            + "' was evicted at .*, (\\d+) bytes behind the tail").matcher(line);
        assertTrue(m.find(), line);
        assertEquals(tail, Long.parseLong(m.group(1)), line);

        CliRun again = CliRun.of("evict", name, Integer.toString(index), "--dir", dir.toString());
        assertEquals(1, again.code(), again.all());
        assertEquals("xmem evict: subscriber " + index + " of ring '" + name + "' (pid " + subscriber.pid() + ") was "
            + "evicted already; its process subscribes again, or closes, when it learns so at its next poll\n",
            again.err(), again.all());
    }

    @Test
    void anEmptyEntryAMissingRingAndARingWithoutTimeoutFail() {
        CliRun empty = CliRun.of("evict", name, "3", "--dir", dir.toString());
        assertEquals(1, empty.code(), empty.all());
        assertEquals("xmem evict: ring '" + name + "' has no subscriber at index 3: 'xmem stat " + name
            + "' lists them\n", empty.err(), empty.all());

        CliRun missing = CliRun.of("evict", name + "-none", "0", "--dir", dir.toString());
        assertEquals(1, missing.code(), missing.all());
        assertTrue(missing.err().startsWith("xmem evict: no ring '" + name + "-none' in " + dir), missing.all());

        String strict = name + "-strict";
        assertEquals(0, CliRun.of("create", "ring", strict, "--capacity", "64KiB", "--dir", dir.toString()).code());
        try (Ring ring = Ring.open(strict, dir); var subscription = ring.subscription()) {
            CliRun refused = CliRun.of("evict", strict, "0", "--dir", dir.toString());
            assertEquals(1, refused.code(), refused.all());
            assertTrue(refused.err().startsWith("xmem evict: ring '" + strict + "' was not created with a subscriber "
                + "timeout"), refused.all());
            assertTrue(refused.err().endsWith("or 'xmem create ring " + strict + " --subscriber-timeout SECONDS'\n"),
                refused.all());
            assertEquals(0, subscription.poll(message -> { }, 1), "the subscriber is untouched");
        } finally {
            Ring.delete(strict, dir);
        }
    }

    @Test
    void anIndexOutsideTheTableOrNoIndexIsAUsageError() {
        assertUsageError("xmem evict: subscriber index 16 outside 0..15 of ring '" + name + "'",
            "evict", name, "16", "--dir", dir.toString());
        assertUsageError("xmem evict: INDEX is a subscriber's index, 0 or more, as 'xmem stat " + name + "' shows it; "
            + "was -1", "evict", name, "-1", "--dir", dir.toString());
        assertUsageError("xmem evict: Missing required parameter: 'INDEX'", "evict", name, "--dir", dir.toString());
        assertUsageError("xmem evict: Invalid value for positional parameter at index 1 (INDEX): 'first' is not an "
            + "int", "evict", name, "first");
    }

    private static void assertUsageError(String error, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(2, run.code(), run.all());
        assertEquals(List.of(error, "Try 'xmem evict --help' for the options."), run.err().lines().toList(),
            run.all());
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    /** Waits until the kernel shows {@code pid} stopped (state T): kill returns before the signal lands. */
    private static void awaitStopped(long pid) throws IOException, InterruptedException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String fields = Files.readString(stat);
            if (fields.substring(fields.lastIndexOf(')') + 2).startsWith("T")) {
                return;
            }
            assertTrue(System.nanoTime() - deadline < 0, "process " + pid + " did not stop: " + fields);
            Thread.sleep(10);
        }
    }

    private static void assertRow(CliRun run, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(run.out()).find(),
            "no line /" + regex + "/ in\n" + run.all());
    }
}
