package io.xmem.tools;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import java.io.RandomAccessFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code xmem stat}, {@code reclaim} and {@code rm} on real pools in a temporary directory. */
class PoolCommandsTest {
    private static final Duration CHILD_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Launcher launcher = new Launcher();

    private String name;
    private BufferPool pool;

    @BeforeEach
    void createPool() {
        name = "xmem-tools-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        pool = BufferPool.create(name, PoolConfig.builder()
            .directory(dir)
            .sizeClass(4096, 8)
            .sizeClass(64 * 1024, 2)
            .build());
    }

    @AfterEach
    void deletePool() {
        try {
            launcher.close();
        } finally {
            pool.close();
            BufferPool.delete(name, dir);
        }
    }

    /** A {@link HoldBuffers} child holding {@code count} buffers of the pool (once it has said so). */
    private ChildProcess holder(int count, String... more) {
        ChildProcess child = launcher.start(JvmCommand.of(HoldBuffers.class)
            .args(name, dir.toString(), Integer.toString(count)).args(more));
        assertEquals("holding " + count, child.nextLine(CHILD_WAIT));
        return child;
    }

    @Test
    void statShowsEachClassAndWhoHoldsWhat() {
        try (Buffer a = pool.acquire(100); Buffer b = pool.acquire(4000); Buffer c = pool.acquire(50_000)) {
            CliRun run = CliRun.of("stat", name, "--dir", dir.toString());

            assertEquals(0, run.code(), run.all());
            assertRow(run, "4 KiB\\s+8\\s+6\\s+2");
            assertRow(run, "64 KiB\\s+2\\s+1\\s+1");
            assertRow(run, "all\\s+10\\s+7\\s+3");
            assertRow(run, "\\d+\\s+" + ProcessHandle.current().pid() + "\\s+yes\\s+3\\s.*this xmem process");
        }
    }

    @Test
    void reclaimFreesWhatADeadProcessHeld() throws Exception {
        long deadPid = holdAndDie(3);

        CliRun before = CliRun.of("stat", name, "--dir", dir.toString());
        assertRow(before, "\\d+\\s+" + deadPid + "\\s+no\\s+3\\s");
        assertRow(before, "all\\s+10\\s+7\\s+3");

        CliRun reclaim = CliRun.of("reclaim", name, "--dir", dir.toString());
        assertEquals(0, reclaim.code(), reclaim.all());
        assertTrue(reclaim.out().contains("reclaimed 3 buffers from dead processes; 10 of 10 buffers are free now"),
            reclaim.all());
        assertTrue(reclaim.out().contains("pins recounted in 0 rings: 0 pins no record owned dropped, 0 buffers freed"),
            reclaim.all());

        CliRun after = CliRun.of("stat", name, "--dir", dir.toString());
        assertRow(after, "all\\s+10\\s+10\\s+0");
        assertFalse(after.out().contains(" " + deadPid + " "), after.all());
    }

    @Test
    void statShowsAKilledHolderDeadWithItsBuffersAndOnlyReclaimFreesThem() throws Exception {
        pool.close(); // this JVM takes no part: stat and ls must look from outside
        ChildProcess child = holder(3, "stay");
        child.crash(); // SIGKILL: no close, no cleanup
        long deadPid = child.pid();

        for (int look = 0; look < 2; look++) { // a second look sees the same: looking frees nothing
            CliRun stat = CliRun.of("stat", name, "--dir", dir.toString());
            assertEquals(0, stat.code(), stat.all());
            assertRow(stat, "\\d+\\s+" + deadPid + "\\s+no\\s+3\\s");
            assertRow(stat, "4 KiB\\s+8\\s+5\\s+3\\s+0\\s+3");
            assertRow(stat, "3 buffers are held only by dead processes: 'xmem reclaim " + name + "' frees them");
            CliRun ls = CliRun.of("ls", dir.toString());
            assertRow(ls, "buffers 10 total, 7 free; 0 live participants, 1 dead holding 3");
        }

        CliRun reclaim = CliRun.of("reclaim", name, "--dir", dir.toString());
        assertEquals(0, reclaim.code(), reclaim.all());
        assertTrue(reclaim.out().contains("reclaimed 3 buffers from dead processes; 10 of 10 buffers are free now"),
            reclaim.all());
        assertRow(reclaim, "dead pid " + deadPid + " \\(participant \\d+\\) held 3 buffers");

        CliRun after = CliRun.of("stat", name, "--dir", dir.toString());
        assertRow(after, "all\\s+10\\s+10\\s+0\\s+0\\s+0");
        assertEquals(0, CliRun.of("reclaim", name, "--dir", dir.toString()).code());
    }

    @Test
    void aDamagedPoolFileIsAClearErrorWithExitCode1() throws IOException {
        pool.close();
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name + ".pool").toFile(), "rw")) {
            f.setLength(100);
        }
        for (String command : new String[] {"stat", "reclaim"}) {
            CliRun run = CliRun.of(command, name, "--dir", dir.toString());
            assertEquals(1, run.code(), run.all());
            assertTrue(run.err().startsWith("xmem " + command + ": "), run.all());
            assertTrue(run.err().contains("delete it"), run.all());
            assertFalse(run.err().contains("Exception"), "no stack trace\n" + run.all());
        }
        CliRun ls = CliRun.of("ls", dir.toString());
        assertEquals(0, ls.code(), ls.all());
        assertRow(ls, "pool\\s+" + name + "\\s+100 B\\s+error: ");
    }

    @Test
    void aPoolThatNeverBecomesReadyIsAClearErrorAfterFiveSeconds() throws IOException {
        String creating = name + "-creating";
        Files.write(dir.resolve(creating + ".pool"), new byte[4096]); // a creator that died before its header
        CliRun run = CliRun.of("stat", creating, "--dir", dir.toString());

        assertEquals(1, run.code(), run.all());
        assertTrue(run.err().startsWith("xmem stat: pool file " + dir.resolve(creating + ".pool")
            + " is still not READY after 5000 ms (header not yet written): its creator died while creating it"),
            run.all());
        BufferPool.delete(creating, dir);
    }

    @Test
    void rmDeletesThePoolFiles() {
        CliRun run = CliRun.of("rm", name, "--dir", dir.toString());

        assertEquals(0, run.code(), run.all());
        assertFalse(Files.exists(dir.resolve(name + ".pool")), run.all());
        assertFalse(Files.exists(dir.resolve(name + ".pool.lock")), run.all());
    }

    @Test
    void aMissingPoolIsAClearErrorWithExitCode1() {
        String missing = name + "-missing";
        for (String command : new String[] {"stat", "reclaim", "rm"}) {
            CliRun run = CliRun.of(command, missing, "--dir", dir.toString());

            assertEquals(1, run.code(), run.all());
            String expected = command.equals("reclaim") ? "pool '" + missing + "' does not exist"
                : "no pool, ring or bridge '" + missing + "' in " + dir; // stat and rm take rings and bridges too
            assertTrue(run.err().startsWith("xmem " + command + ": " + expected), run.all());
            assertFalse(run.err().contains("Exception"), "no stack trace\n" + run.all());
            assertEquals("", run.out(), run.all());
        }
    }

    @Test
    void lsAdvisesReclaimOnlyWhenADeadProcessHoldsSomething() {
        pool.close(); // only the children take part
        ChildProcess empty = holder(0, "stay");
        empty.crash(); // dies with its entry ACTIVE, holding nothing

        CliRun nothing = CliRun.of("ls", dir.toString());
        assertRow(nothing, "1 dead holding nothing to reclaim");
        assertFalse(nothing.out().contains("xmem reclaim"), "nothing to reclaim, so no advice to\n" + nothing.all());

        ChildProcess holding = holder(2, "stay"); // joining clears the first one's entry
        holding.crash();
        CliRun some = CliRun.of("ls", dir.toString());
        assertRow(some, "1 dead holding 2 \\(xmem reclaim " + name + "\\)");
    }

    /** Starts a JVM that takes {@code count} small buffers and dies holding them; returns its pid. */
    private long holdAndDie(int count) {
        ChildProcess child = holder(count);
        assertEquals(0, child.awaitExit(CHILD_WAIT), child.diagnostics());
        return child.pid();
    }

    @Test
    void rmRefusesWhileALiveProcessUsesThePoolUnlessForced() throws Exception {
        ChildProcess child = holder(1, "stay");
        try {
            CliRun refused = CliRun.of("rm", name, "--dir", dir.toString());
            assertEquals(1, refused.code(), refused.all());
            assertTrue(refused.err().contains("in use by live processes (pids [" + child.pid() + "])"), refused.all());
            assertTrue(Files.exists(dir.resolve(name + ".pool")), "nothing deleted");
            CliRun forced = CliRun.of("rm", name, "--dir", dir.toString(), "--force");
            assertEquals(0, forced.code(), forced.all());
            assertFalse(Files.exists(dir.resolve(name + ".pool")));
        } finally {
            child.stop(CHILD_WAIT);
        }
    }

    private static void assertRow(CliRun run, String regex) {
        assertTrue(Pattern.compile(regex).matcher(run.out()).find(), "no line /" + regex + "/ in\n" + run.all());
    }
}
