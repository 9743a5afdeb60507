package io.xmem.bridge;

import io.xmem.bridge.internal.AeronMedia;
import io.xmem.launch.ChildProcess;
import io.xmem.launch.ChildProcessException;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An egress or ingress in a real child JVM ({@link BridgeChild}), optionally inside a network
 * namespace ({@code ip netns exec}), started with {@code io.xmem.launch}: its output is kept for
 * diagnostics and every wait is bounded. {@link #close()} kills it if still running and deletes
 * the Aeron directory it may have left.
 */
final class BridgeProcess implements AutoCloseable {
    /** What surefire gives the test JVM (see the pom): Agrona needs it on JDK 25. */
    static final List<String> FLAGS = List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-Xmx128m",
        "-XX:+UseSerialGC", "-XX:-UsePerfData");
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(30);

    private final Launcher launcher = new Launcher();
    private final ChildProcess child;

    private BridgeProcess(JvmCommand command) {
        this.child = launcher.start(command);
    }

    /** Starts {@code role} on {@code ring}; {@code netns} null for this namespace. Waits for READY. */
    static BridgeProcess start(String netns, String role, String ring, Path directory, String channel, int stream) {
        JvmCommand command = JvmCommand.of(BridgeChild.class).label(role).flags(FLAGS).mergeErrors()
            .args(role, ring, directory.toString(), channel, Integer.toString(stream));
        if (netns != null) {
            command.prefix(List.of("ip", "netns", "exec", netns));
        }
        BridgeProcess bridge = new BridgeProcess(command);
        try {
            bridge.child.awaitLine(line -> line.startsWith("READY "), START);
        } catch (ChildProcessException e) {
            bridge.close();
            throw new AssertionError(role + " did not start: " + e.getMessage(), e);
        }
        return bridge;
    }

    long pid() {
        return child.pid();
    }

    /** Closes its stdin: the bridge stops, closes, and the process exits. */
    void stop() {
        child.closeInput();
        if (!child.waitFor(STOP)) {
            throw new AssertionError(child + " did not stop in " + STOP.toSeconds() + " s:" + transcript());
        }
    }

    /** SIGKILL, as a crash: nothing of the bridge's own clean-up runs. */
    void kill() {
        child.crash();
    }

    String transcript() {
        return child.diagnostics();
    }

    /** Kills it if running and removes any embedded driver directory a killed one leaves. */
    @Override
    public void close() {
        launcher.close();
        deleteDriverDirectories(child.pid());
    }

    static void deleteDriverDirectories(long pid) {
        File[] left = new File("/dev/shm").listFiles((d, n) -> n.startsWith(AeronMedia.EMBEDDED_PREFIX + pid + "-"));
        if (left != null) {
            for (File f : left) {
                IoUtil.delete(f, true);
            }
        }
    }

    static boolean hasDriverDirectory(long pid) {
        File[] left = new File("/dev/shm").listFiles((d, n) -> n.startsWith(AeronMedia.EMBEDDED_PREFIX + pid + "-"));
        return left != null && left.length > 0;
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
