package io.xmem.bridge;

import io.xmem.bridge.internal.AeronMedia;
import org.agrona.IoUtil;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An egress or ingress in a real child JVM ({@link BridgeChild}), optionally inside a network
 * namespace ({@code ip netns exec}). Its output is kept for diagnostics; every wait is bounded.
 * {@link #close()} kills it if still running and deletes the Aeron directory it may have left.
 */
final class BridgeProcess implements AutoCloseable {
    /** What surefire gives the test JVM (see the pom): Agrona needs it on JDK 25. */
    static final List<String> FLAGS = List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-Xmx128m",
        "-XX:+UseSerialGC", "-XX:-UsePerfData");
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final String role;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer transcript = new StringBuffer();

    private BridgeProcess(Process process, String role) {
        this.process = process;
        this.role = role;
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    transcript.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                transcript.append("(output lost: ").append(e).append(")\n");
            }
            lines.add(EOF);
        }, "bridge-child-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code role} on {@code ring}; {@code netns} null for this namespace. Waits for READY. */
    static BridgeProcess start(String netns, String role, String ring, Path directory, String channel, int stream) {
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BridgeChild.class.getName(), role, ring,
            directory.toString(), channel, Integer.toString(stream)));
        BridgeProcess child;
        try {
            child = new BridgeProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), role);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd, e);
        }
        String first = child.next(30);
        if (!first.startsWith("READY ")) {
            child.close();
            throw new AssertionError(role + " did not start: " + first + "\n" + child.transcript);
        }
        return child;
    }

    private String next(long seconds) {
        try {
            String line = lines.poll(seconds, TimeUnit.SECONDS);
            return line == null ? "(no answer in " + seconds + " s)" : line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    long pid() {
        return process.pid();
    }

    /** Closes its stdin: the bridge stops, closes, and the process exits. */
    void stop() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) { // already gone: waitFor says so
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(role + " did not stop in 30 s:\n" + transcript);
        }
    }

    /** SIGKILL, as a crash: nothing of the bridge's own clean-up runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String transcript() {
        return role + " (pid " + process.pid() + "):\n" + transcript;
    }

    /** Kills it if running and removes any embedded driver directory a killed one leaves. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteDriverDirectories(process.pid());
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
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
