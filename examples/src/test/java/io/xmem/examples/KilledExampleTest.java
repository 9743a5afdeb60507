package io.xmem.examples;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 15: {@code examples/run pingpong} killed with SIGKILL left its two roles busy-spinning at 100 %
 * CPU for minutes, and their rings in /dev/shm. The roles leave by themselves once the example's JVM
 * is gone, and delete its rings.
 */
class KilledExampleTest {
    /** Hang guard only: the roles look for their parent five times a second. */
    private static final Duration GONE = Duration.ofSeconds(60);

    private final String name = ExampleRun.uniqueName("killed");
    private final Launcher launcher = new Launcher();
    private List<ProcessHandle> roles = List.of();

    @AfterEach
    void cleanUp() throws IOException {
        roles.forEach(ProcessHandle::destroyForcibly);
        launcher.close();
        ExampleRun.cleanUp(name);
    }

    @Test
    void theBusySpinningRolesOfAKilledPingPongExitAndDeleteItsRings() throws Exception {
        ChildProcess example = launcher.start(JvmCommand.of(Examples.class).label("examples/run pingpong")
            .flags("--enable-native-access=ALL-UNNAMED")
            .args("pingpong", "--name", name, "--messages", "1000000000", "--warmup", "0", "--idle", "spin"));
        roles = example.awaitChildren(2, GONE);

        example.crash(); // SIGKILL to the example's JVM alone: no shutdown hook runs there

        assertEquals(List.of(), Launcher.awaitExit(roles, GONE),
            "roles still running " + GONE.toSeconds() + " s after their example was killed" + example.diagnostics());
        assertEquals(List.of(), filesOf(name), "the roles deleted the example's rings");
    }

    private static List<Path> filesOf(String name) throws IOException {
        try (Stream<Path> files = Files.list(ExampleRun.SHM)) {
            return files.filter(f -> f.getFileName().toString().startsWith(name)).toList();
        }
    }
}
