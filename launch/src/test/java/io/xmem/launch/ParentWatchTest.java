package io.xmem.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Children leave when their parent is gone: a launcher killed with SIGKILL runs no clean-up of its
 * own, so its busy-spinning child must notice and exit by itself, deleting the parent's files.
 */
class ParentWatchTest {
    /** Hang guard: the watch looks five times a second; this is only how long a test may take. */
    private static final Duration GONE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aChildOfASigkilledLauncherExitsAndDeletesTheLaunchersFiles() throws Exception {
        Path shared = dir.resolve("xmem-test-orphan.ring");
        ProcessHandle child = null;
        try (Launcher launcher = new Launcher()) {
            ChildProcess parent = launcher.start(JvmCommand.of(LaunchingParent.class).label("launching parent")
                .flags("-Xmx64m").args(shared.toString()));
            String said = parent.awaitLine(line -> line.startsWith("child "), GONE);
            child = ProcessHandle.of(Long.parseLong(said.substring("child ".length()))).orElseThrow();
            assertTrue(Files.exists(shared), "the parent made its file");

            parent.crash(); // SIGKILL to the parent alone: no shutdown hook, no close

            assertEquals(List.of(), Launcher.awaitExit(List.of(child), GONE),
                "the child still runs " + GONE.toSeconds() + " s after its parent was killed" + parent.diagnostics());
            assertFalse(Files.exists(shared), "the orphaned child deleted its parent's file");
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            Files.deleteIfExists(shared);
        }
    }

    @Test
    void aParentPidThatNamesAnotherProcessCountsAsGone() {
        try (Launcher launcher = new Launcher()) {
            // A later -D wins: the pid is ours, the start time not, as when our pid was given out again.
            ChildProcess child = launcher.start(JvmCommand.of(SpinningChild.class)
                .flags("-D" + ParentWatch.PARENT_START + "=1"));

            assertEquals(ParentWatch.EXIT_PARENT_GONE, child.awaitExit(GONE), child.diagnostics());
        }
    }
}
