package io.xmem.launch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real child JVMs ({@link EchoChild}): what reaches them, what comes back, and every wait bounded. */
class ChildProcessTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private final Launcher launcher = new Launcher();

    @TempDir
    Path dir;

    @AfterEach
    void closeLauncher() {
        launcher.close();
    }

    private ChildProcess echo(JvmCommand command) {
        ChildProcess child = launcher.start(command);
        child.awaitLine("READY", START);
        return child;
    }

    @Test
    void flagsArgumentsEnvironmentAndLinesReachTheChildAndBack() {
        ChildProcess child = echo(JvmCommand.of(EchoChild.class).flags("-Dxmem.test.flag=on").args("one", "two")
            .environment("XMEM_TEST_ENV", "set").label("echo"));

        assertTrue(child.send("ARGS"));
        assertEquals("args one two", child.nextLine(ANSWER));
        child.send("PROP xmem.test.flag");
        assertEquals("prop on", child.nextLine(ANSWER));
        child.send("ENV XMEM_TEST_ENV");
        assertEquals("env set", child.nextLine(ANSWER));
        child.send("PROP " + ParentWatch.PARENT_PID);
        assertEquals("prop " + ProcessHandle.current().pid(), child.nextLine(ANSWER), "the child knows its parent");
        assertEquals("echo", child.label());
        assertEquals(0, child.stop(ANSWER), "a closed stdin ends it");
    }

    @Test
    void aChildThatStopsAnsweringFailsTheWaitWithItsTranscriptAndStderr() {
        ChildProcess child = echo(JvmCommand.of(EchoChild.class).label("mute"));
        child.send("ERR something went wrong");
        assertEquals("said on stderr", child.nextLine(ANSWER));
        child.send("HANG");

        ChildProcessException e = assertThrows(ChildProcessException.class,
            () -> child.nextLine(Duration.ofMillis(300)));
        assertTrue(e.getMessage().startsWith("mute (pid " + child.pid() + ") printed no line within 300 ms"),
            e.getMessage());
        assertTrue(e.getMessage().contains("> HANG"), "the transcript: " + e.getMessage());
        assertTrue(e.getMessage().contains("something went wrong"), "its stderr: " + e.getMessage());
        assertTrue(child.isAlive());
    }

    @Test
    void aChildThatExitsEndsTheWaitAtOnceWithItsExitCode() {
        ChildProcess child = echo(JvmCommand.of(EchoChild.class));
        child.send("EXIT 7");

        ChildProcessException e = assertThrows(ChildProcessException.class, () -> child.nextLine(ANSWER));
        assertTrue(e.getMessage().contains("ended its output (exit code 7)"), e.getMessage());
        assertThrows(ChildProcessException.class, () -> child.awaitLine("anything", ANSWER), "and says so again");
        assertEquals(7, child.awaitExit(ANSWER));
    }

    @Test
    void everyLineGoesToTheConsumerAndMergedStderrKeepsItsPlace() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ChildProcess child = echo(JvmCommand.of(EchoChild.class).mergeErrors().onLine(seen::add));
        child.send("hello");
        child.send("ERR on stderr");
        child.send("EXIT 0");

        assertEquals(0, child.awaitExit(ANSWER));
        assertEquals(List.of("READY", "echo hello", "on stderr", "said on stderr"), seen,
            "after the exit every line has been delivered");
    }

    @Test
    void awaitLineSkipsOtherLinesAndIsBoundedInAll() {
        ChildProcess child = echo(JvmCommand.of(EchoChild.class));
        child.send("first");
        child.send("second");
        assertEquals("echo second", child.awaitLine(line -> line.endsWith("second"), ANSWER));

        ChildProcessException e = assertThrows(ChildProcessException.class,
            () -> child.awaitLine("never", Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("did not print 'never' within 300 ms"), e.getMessage());
    }

    @Test
    void closingTheLauncherKillsItsChildrenAndDeletesItsFiles() throws IOException {
        Path shared = Files.createFile(dir.resolve("a.ring"));
        Path lock = Files.createFile(dir.resolve("a.ring.lock"));
        launcher.deleteOnClose(shared, lock);
        ChildProcess first = echo(JvmCommand.of(EchoChild.class));
        ChildProcess second = launcher.start(JvmCommand.of(SpinningChild.class));
        second.awaitLine("spinning", START);
        first.send("HANG");

        launcher.close();

        assertFalse(first.isAlive());
        assertFalse(second.isAlive());
        assertFalse(Files.exists(shared));
        assertFalse(Files.exists(lock));
        assertEquals(List.of(first, second), launcher.children());
        assertThrows(IllegalStateException.class, () -> launcher.start(JvmCommand.of(EchoChild.class)));
    }

    @Test
    void awaitAllReturnsTheChildrenStillRunningAtTheDeadline() {
        ChildProcess quick = echo(JvmCommand.of(EchoChild.class));
        ChildProcess stuck = echo(JvmCommand.of(EchoChild.class));
        quick.send("EXIT 0");
        stuck.send("HANG");

        assertEquals(List.of(stuck), launcher.awaitAll(Duration.ofSeconds(5)));
        assertEquals(0, quick.exitCode());
    }

    @Test
    void aChildThatCannotStartSaysWhy() {
        ChildProcessException e = assertThrows(ChildProcessException.class,
            () -> launcher.start(JvmCommand.of(EchoChild.class).directory(dir.resolve("missing"))));
        assertTrue(e.getMessage().startsWith("cannot start EchoChild"), e.getMessage());
    }

    @Test
    void aChildWithAStopGraceIsAskedToStopAndItsLastLinesAreRead() {
        List<String> lines = new CopyOnWriteArrayList<>();
        ChildProcess graceful = echo(JvmCommand.of(EchoChild.class).label("graceful").stopGrace(ANSWER)
            .onLine(lines::add));
        graceful.send("ON_EXIT partial report written");
        assertEquals("hook set", graceful.nextLine(ANSWER));

        graceful.close(); // as the launcher's close and its shutdown hook do

        assertFalse(graceful.isAlive());
        assertTrue(lines.contains("partial report written"), "its shutdown hook ran and was heard: " + lines
            + graceful.diagnostics());

        ChildProcess killed = echo(JvmCommand.of(EchoChild.class).label("killed"));
        killed.send("ON_EXIT never heard");
        assertEquals("hook set", killed.nextLine(ANSWER));
        killed.close();
        assertEquals(137, killed.exitCode(), "without a grace: SIGKILL, no hook");
    }
}
