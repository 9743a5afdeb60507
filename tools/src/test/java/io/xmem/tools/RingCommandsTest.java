package io.xmem.tools;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xmem ls}, {@code stat} and {@code rm} on a real pool and a ring of the same name, in a
 * temporary directory: one subscriber, three buffers published by reference and not yet read.
 */
class RingCommandsTest {
    private static final int PUBLISHED = 3;

    @TempDir
    Path dir;

    private String name;
    private BufferPool pool;
    private Ring ring;
    private Subscription subscription;

    @BeforeEach
    void createPoolAndRing() {
        name = "xmem-tools-ring-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        pool = BufferPool.create(name, PoolConfig.builder().directory(dir).sizeClass(4096, 8).build());
        ring = Ring.create(name, RingConfig.builder().directory(dir).pool(name).capacity(64 * 1024).build());
        subscription = ring.subscription();
        try (Publication publication = ring.publication()) {
            for (int i = 0; i < PUBLISHED; i++) {
                try (Buffer buffer = pool.acquire(100)) {
                    assertTrue(publication.offer(buffer) > 0, "offer " + i);
                } // the ring pins the buffer until the subscriber has passed its record
            }
        }
    }

    @AfterEach
    void deletePoolAndRing() {
        try {
            subscription.close();
            ring.close();
            pool.close();
        } finally {
            Ring.delete(name, dir);
            BufferPool.delete(name, dir);
        }
    }

    @Test
    void lsListsThePoolAndTheRingWithTheirCounts() {
        CliRun run = CliRun.of("ls", dir.toString());

        assertEquals(0, run.code(), run.all());
        assertRow(run, "pool\\s+" + name + "\\s+\\S+ \\S+\\s+buffers 8 total, 5 free; 0 live participants$");
        assertRow(run, "ring\\s+" + name + "\\s+\\S+ \\S+\\s+64 KiB reliable, pool '" + name + "'; 1 subscriber, "
            + PUBLISHED + " published$");
        assertFalse(run.out().contains(".lock"), run.all());
    }

    @Test
    void lsListsAFileItCannotOpenWithTheReasonAndGoesOn() throws IOException {
        Files.writeString(dir.resolve("x.ring"), "this is not a ring, whatever its name says");

        CliRun run = CliRun.of("ls", dir.toString());

        assertEquals(0, run.code(), run.all());
        assertRow(run, "ring\\s+x\\s+42 B\\s+error: .*is not an xmem ring");
        assertRow(run, "ring\\s+" + name + "\\s+.*" + PUBLISHED + " published$");
        assertRow(run, "pool\\s+" + name + "\\s+.*buffers 8 total");
    }

    @Test
    void lsOfAnEmptyDirectorySaysSoAndOfAMissingOneFails() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        CliRun none = CliRun.of("ls", empty.toString());
        assertEquals(0, none.code(), none.all());
        assertEquals("no pools, rings or bridges in " + empty + "\n", none.out(), none.all());

        CliRun missing = CliRun.of("ls", dir.resolve("missing").toString());
        assertEquals(1, missing.code(), missing.all());
        assertTrue(missing.err().startsWith("xmem ls: " + dir.resolve("missing") + " is not a directory"),
            missing.all());
    }

    @Test
    void statShowsTheRingAndItsSubscriberThenThePoolOfTheSameName() {
        long tail = ring.tail();
        long pid = ProcessHandle.current().pid();
        assertTrue(tail > 0, "tail " + tail);

        CliRun unread = CliRun.of("stat", name, "--dir", dir.toString());

        assertEquals(0, unread.code(), unread.all());
        assertRow(unread, "^ring '" + name + "'");
        assertRow(unread, "published\\s+" + PUBLISHED + "$");
        assertRow(unread, "tail\\s+" + tail + "$");
        assertRow(unread, "mode\\s+reliable");
        assertRow(unread, "subscribers \\(1\\):");
        assertRow(unread, "^\\s+\\d+\\s+" + pid + "\\s+yes\\s+0\\s+" + tail + "\\s+0\\s+\\S+$"); // lags by all
        assertRow(unread, "^pool '" + name + "'"); // the pool of the same name follows
        assertRow(unread, "all\\s+8\\s+5\\s+0\\s+3"); // not held by a process: pinned by the ring

        assertEquals(1, subscription.poll(message -> { }, 1));
        long position = tail / PUBLISHED; // three records of the same size
        CliRun oneRead = CliRun.of("stat", name, "--dir", dir.toString());
        assertRow(oneRead, "^\\s+\\d+\\s+" + pid + "\\s+yes\\s+" + position + "\\s+" + (tail - position)
            + "\\s+0\\s+\\S+$");
    }

    @Test
    void statWatchRefreshesAndShowsRates() {
        CliRun run = CliRun.of("stat", name, "--dir", dir.toString(), "--watch", "0.05", "--iterations", "3");
        assertEquals(0, run.code(), run.all());
        assertEquals(3, run.out().split("xmem stat " + name + ", every", -1).length - 1,
            "three refreshes:\n" + run.out());
        assertEquals(2, run.out().split("records/s", -1).length - 1,
            "a rate from the second refresh on:\n" + run.out());
        CliRun bad = CliRun.of("stat", name, "--dir", dir.toString(), "--watch", "-1");
        assertEquals(2, bad.code(), bad.all());
    }

    @Test
    void watchTakesTheNameAfterItAsTheUsageLineShows() {
        // --watch's interval is optional: the name after it is the name, not a malformed interval.
        CliRun run = CliRun.of("stat", "--watch", name, "--dir", dir.toString(), "--iterations", "2");
        assertEquals(0, run.code(), run.all());
        assertEquals(2, run.out().split("xmem stat " + name + ", every 1", -1).length - 1, run.all());

        CliRun interval = CliRun.of("stat", "--watch", "0.05", name, "--dir", dir.toString(), "--iterations", "2");
        assertEquals(0, interval.code(), interval.all());
        assertTrue(interval.out().contains("xmem stat " + name + ", every 0.05 s"), interval.all());

        CliRun zero = CliRun.of("stat", name, "--dir", dir.toString(), "--watch=0");
        assertEquals(2, zero.code(), zero.all());
        assertTrue(zero.err().startsWith("xmem stat: --watch takes a refresh interval of more than 0 and at most 3600 "
            + "seconds, e.g. --watch=0.5; was 0\n"), zero.all());
    }

    @Test
    void statOfARingAloneShowsNoPool() {
        String solo = name + "-solo";
        try (Ring other = Ring.create(solo, RingConfig.builder().directory(dir).pool(name).build())) {
            CliRun run = CliRun.of("stat", solo, "--dir", dir.toString());

            assertEquals(0, run.code(), run.all());
            assertRow(run, "^ring '" + solo + "'");
            assertRow(run, "pool\\s+'" + name + "'$");
            assertRow(run, "subscribers \\(0\\):");
            assertFalse(run.out().contains("participants"), run.all());
        } finally {
            Ring.delete(solo, dir);
        }
    }

    @Test
    void statSaysWhenTheRingsPoolWasRecreated() {
        subscription.close();
        ring.close();
        pool.close();
        BufferPool.delete(name, dir);
        PoolConfig config = PoolConfig.builder().directory(dir).sizeClass(4096, 8).build();
        try (BufferPool again = BufferPool.create(name, config)) {
            CliRun run = CliRun.of("stat", name, "--dir", dir.toString());

            assertEquals(0, run.code(), run.all());
            assertRow(run, "pool\\s+'" + name + "' \\(deleted and created again since the ring was made");
        }
        BufferPool.delete(name, dir);
        CliRun missing = CliRun.of("stat", name, "--dir", dir.toString());
        assertRow(missing, "pool\\s+'" + name + "' \\(missing: ");
    }

    @Test
    void rmDeletesRingAndPoolAndASecondRmFails() {
        CliRun run = CliRun.of("rm", name, "--dir", dir.toString());

        assertEquals(0, run.code(), run.all());
        assertEquals("deleted ring and pool '" + name + "' from " + dir + "\n", run.out(), run.all());
        for (String suffix : new String[] {".ring", ".ring.lock", ".pool", ".pool.lock"}) {
            assertFalse(Files.exists(dir.resolve(name + suffix)), suffix + "\n" + run.all());
        }

        CliRun again = CliRun.of("rm", name, "--dir", dir.toString());
        assertEquals(1, again.code(), again.all());
        assertTrue(again.err().startsWith("xmem rm: no pool, ring or bridge '" + name + "' in " + dir), again.all());
        assertEquals("", again.out(), again.all());
    }

    private static void assertRow(CliRun run, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(run.out()).find(),
            "no line /" + regex + "/ in\n" + run.all());
    }
}
