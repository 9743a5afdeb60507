package io.xmem.tools;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * xmem in containers (issue 15, item 11), with the kernel's namespaces that containers are made of,
 * where {@code unshare} may create them (root here; skipped, with the reason, where it may not):
 * <ul>
 *   <li>a container's /dev/shm is 64 MiB, a little less than the default demo's pool: the demo says how to
 *       make room or run smaller, and the smaller demo it suggests runs there;</li>
 *   <li>two processes in two PID namespaces of their own (both pid 1 there) share one directory of pools:
 *       liveness and reclaim go by the kernel's locks, not pids, so killing one leaves the other alive
 *       and a reclaim from inside the other frees only the dead one's buffers; {@code xmem stat} shows
 *       each by the pid it has here, beside the one it wrote.</li>
 * </ul>
 */
class ContainersTest {
    private static final Duration STARTED = Duration.ofSeconds(60);
    private static final List<String> PID_NAMESPACE = List.of("unshare", "--pid", "--fork", "--mount-proc",
        "--kill-child");

    @TempDir
    Path dir;

    private final Launcher launcher = new Launcher();

    @AfterEach
    void stop() {
        launcher.close();
    }

    /** Whether {@code unshare ARGS true} works here; the reason it does not, or null. */
    private static String unshareFails(List<String> args) {
        List<String> command = new ArrayList<>(args);
        command.add("true");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish";
            }
            String said = new String(p.getInputStream().readAllBytes()).strip();
            return p.exitValue() == 0 ? null : String.join(" ", command) + " failed: " + said;
        } catch (IOException e) {
            return "no unshare here: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Test
    void aDemoThatDoesNotFitA64MiBShmSaysHowToMakeRoomAndTheSmallerOneRuns() {
        List<String> mountNamespace = List.of("unshare", "--mount", "--propagation", "private");
        String why = unshareFails(mountNamespace);
        assumeTrue(why == null, why);
        // A private mount namespace with a 64 MiB tmpfs over DIR: a container's /dev/shm, seen by the demo only.
        List<String> smallShm = new ArrayList<>(mountNamespace);
        smallShm.addAll(List.of("sh", "-c", "mount -t tmpfs -o size=64m xmem-test \"$0\" && exec \"$@\"",
            dir.toString()));

        ChildProcess refused = launcher.start(JvmCommand.of(XmemCli.class).label("demo").prefix(smallShm)
            .args("demo", "--dir", dir.toString()));
        assertEquals(1, refused.awaitExit(STARTED), refused.diagnostics());
        String said = refused.diagnostics();
        assertTrue(said.contains("xmem demo: the demo's pool needs 64.3 MiB in " + dir + " and only 64 MiB is free"),
            said);
        assertTrue(said.contains("docker run --shm-size=256m") && said.contains("xmem demo --frame-size 4MiB"), said);

        ChildProcess smaller = launcher.start(JvmCommand.of(XmemCli.class).label("demo").prefix(smallShm)
            .args("demo", "--dir", dir.toString(), "--frame-size", "4MiB", "--buffers", "40"));
        assertEquals(0, smaller.awaitExit(Duration.ofSeconds(180)), smaller.diagnostics());
    }

    @Test
    void processesInTwoPidNamespacesGetCorrectLivenessAndReclaimAndStatShowsTheirPidsHere() throws IOException {
        String why = unshareFails(PID_NAMESPACE);
        assumeTrue(why == null, why);
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "xmem-containers-"); // one /dev/shm for both
        String name = "xmem-ns-" + ProcessHandle.current().pid();
        try {
            BufferPool.create(name, PoolConfig.builder().directory(shm).sizeClass(4096, 16).build()).close();
            ChildProcess first = holder(name, shm, 3);
            ChildProcess second = holder(name, shm, 2);
            long firstHere = javaIn(first);
            long secondHere = javaIn(second);

            CliRun both = CliRun.of("stat", name, "--dir", shm.toString());
            assertEquals(0, both.code(), both.all());
            // each wrote pid 1; stat names each by the pid it has in this namespace, as the lock table says
            assertTrue(both.out().matches("(?s).*\\s" + firstHere + "\\(1\\) yes\\s+3\\s.*"), both.all());
            assertTrue(both.out().matches("(?s).*\\s" + secondHere + "\\(1\\) yes\\s+2\\s.*"), both.all());

            ProcessHandle.of(firstHere).orElseThrow().destroyForcibly(); // the first "container" dies
            assertTrue(Launcher.awaitExit(List.of(ProcessHandle.of(firstHere).orElseThrow()), STARTED).isEmpty());
            PoolSnapshot after = PoolInspection.inspect(name, shm);
            List<PoolSnapshot.Participant> entries = after.participants().stream()
                .sorted(Comparator.comparingInt(PoolSnapshot.Participant::buffersHeld).reversed()).toList();
            assertEquals(List.of(1L, 1L), entries.stream().map(PoolSnapshot.Participant::pid).toList());
            assertFalse(entries.get(0).alive(), "the killed one is dead although a live pid 1 holds the pool");
            assertTrue(entries.get(1).alive(), "the other pid 1 lives");

            second.send("reclaim"); // from inside the other namespace
            assertEquals("reclaimed 3", second.nextLine(STARTED));
            PoolSnapshot reclaimed = PoolInspection.inspect(name, shm);
            assertEquals(14, reclaimed.totalFree(), "the dead one's 3 freed, the live one's 2 kept");
        } finally {
            launcher.close();
            BufferPool.delete(name, shm);
            try (Stream<Path> left = Files.list(shm)) {
                for (Path file : left.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(shm);
        }
    }

    /** A {@link NamespacedHolder} in a PID namespace of its own, holding {@code count} buffers as its pid 1. */
    private ChildProcess holder(String name, Path dir, int count) {
        ChildProcess child = launcher.start(JvmCommand.of(NamespacedHolder.class).label("holder " + count)
            // Both are pid 1 and share this /tmp, where the JVM keeps a file per pid: none for them.
            .prefix(PID_NAMESPACE).flags("-XX:-UsePerfData").args(name, dir.toString(), Integer.toString(count)));
        assertEquals("holding " + count + " pid=1", child.nextLine(STARTED), child.diagnostics());
        return child;
    }

    /** The pid, in this namespace, of the JVM that {@code unshare} started. */
    private static long javaIn(ChildProcess unshare) {
        return ProcessHandle.of(unshare.pid()).orElseThrow().children().findFirst().orElseThrow().pid();
    }
}
