package io.xmem.tools;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.pool.BufferPool;
import io.xmem.ring.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code xmem demo} killed with SIGKILL (issue 15): its producer and subscribers leave by themselves
 * once the demo's JVM is gone, and delete its pool and ring.
 */
class KilledDemoTest {
    /** Hang guard only: the children look for their parent five times a second. */
    private static final Duration GONE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final Launcher launcher = new Launcher();
    private List<ProcessHandle> children = List.of();
    private String name;

    @AfterEach
    void cleanUp() {
        children.forEach(ProcessHandle::destroyForcibly);
        launcher.close();
        if (name != null) {
            Ring.delete(name, dir);
            BufferPool.delete(name, dir);
        }
    }

    @Test
    void theProducerAndSubscribersOfAKilledDemoExitAndDeleteItsPoolAndRing() throws Exception {
        // Enough buffers to run for minutes: it is killed while both subscribers and the producer work.
        ChildProcess demo = launcher.start(JvmCommand.of(XmemCli.class).label("xmem demo")
            .args("demo", "--buffers", "100000000", "--frame-size", "64KiB", "--dir", dir.toString()));
        name = "xmem-demo-" + demo.pid();
        children = demo.awaitChildren(3, GONE);

        demo.crash(); // SIGKILL to the demo's JVM alone: its shutdown hook does not run

        assertEquals(List.of(), Launcher.awaitExit(children, GONE),
            "children still running " + GONE.toSeconds() + " s after the demo was killed" + demo.diagnostics());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "the children deleted the demo's pool and ring");
        }
    }
}
