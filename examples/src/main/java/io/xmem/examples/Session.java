package io.xmem.examples;

import io.xmem.pool.BufferPool;
import io.xmem.ring.Ring;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run of an example: the role processes it started and the shared files it made. Relays every
 * line a role prints as {@code [role] line}; on close kills what still runs and deletes the pools
 * and rings it made, also when the run failed or was interrupted (Ctrl-C runs close through a
 * shutdown hook).
 *
 * <pre>{@code
 * try (Session s = new Session(out, dir)) {
 *     String ring = s.ring(name, config);        // deleted on close
 *     Session.Role sub = s.start("stats", "frame-stats", "--ring", ring);
 *     sub.awaitReady(Duration.ofSeconds(30));
 *     ...
 *     return s.awaitAll(Duration.ofMinutes(1));   // true when every role exited 0
 * }
 * }</pre>
 */
final class Session implements AutoCloseable {
    /** What a role prints once it has joined its rings, so the next role may rely on it. */
    static final String READY = "ready";

    private final PrintWriter out;
    private final Path dir;
    private final List<Role> roles = new ArrayList<>();
    private final List<String> pools = new ArrayList<>();
    private final List<String> rings = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanUp, "xmem-example-cleanup");

    Session(PrintWriter out, Path dir) {
        this.out = out;
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    Path dir() {
        return dir;
    }

    /** Creates a pool that this session deletes when it ends. */
    BufferPool createPool(String name, io.xmem.pool.PoolConfig config) {
        BufferPool pool = BufferPool.create(name, config);
        synchronized (this) {
            pools.add(name);
        }
        return pool;
    }

    /** Creates a ring that this session deletes when it ends. */
    Ring createRing(String name, io.xmem.ring.RingConfig config) {
        Ring ring = Ring.create(name, config);
        synchronized (this) {
            rings.add(name);
        }
        return ring;
    }

    /** Starts a role JVM: {@code Examples ROLE ARGS...} on this JVM's java and class path. */
    Role start(String label, String role, String... args) {
        String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // --add-exports: the late-join example's roles run Aeron, whose Agrona reaches jdk.internal.misc on JDK 25.
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m", "-cp", classPath(),
            Examples.class.getName(), role));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new Examples.ExampleFailure("cannot start the " + label + " process with " + java + ": " + e.getMessage());
        }
        Role r = new Role(label, process);
        synchronized (this) {
            roles.add(r);
        }
        r.relay.start();
        return r;
    }

    /**
     * Waits for every role to exit, at most {@code timeout} in all; kills the rest after that.
     * True when every role exited with 0.
     */
    boolean awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean ok = true;
        for (Role r : List.copyOf(roles)) {
            long left = deadline - System.nanoTime();
            if (!r.process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                say("the %s process (pid %d) did not finish within %d s: stopping it", r.label, r.process.pid(),
                    timeout.toSeconds());
                r.process.destroyForcibly();
                r.process.waitFor(10, TimeUnit.SECONDS);
                ok = false;
            } else if (r.process.exitValue() != 0) {
                say("the %s process exited with %d", r.label, r.process.exitValue());
                ok = false;
            }
            r.relay.join(TimeUnit.SECONDS.toMillis(10)); // its last lines are printed before we judge
        }
        return ok;
    }

    /** Prints one line of the example's own, between the roles' lines. */
    void say(String format, Object... args) {
        synchronized (out) {
            out.printf(format + "%n", args);
            out.flush();
        }
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running this
        }
    }

    private synchronized void cleanUp() {
        for (Role r : roles) {
            r.process.descendants().forEach(ProcessHandle::destroyForcibly);
            r.process.destroyForcibly();
        }
        for (String ring : rings) {
            Ring.delete(ring, dir);
        }
        for (String pool : pools) {
            BufferPool.delete(pool, dir);
        }
        rings.clear();
        pools.clear();
    }

    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().toString()); // children may start elsewhere
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** A role process and the thread relaying its output. */
    final class Role {
        final String label;
        final Process process;
        private final CountDownLatch ready = new CountDownLatch(1);
        private final Thread relay;

        private Role(String label, Process process) {
            this.label = label;
            this.process = process;
            this.relay = new Thread(this::relay, "relay-" + label);
            this.relay.setDaemon(true);
        }

        /** Waits until the role says {@link #READY}; an {@link Examples.ExampleFailure} if it exits or times out. */
        void awaitReady(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ready.await(50, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive()) {
                    relay.join(TimeUnit.SECONDS.toMillis(5));
                    throw new Examples.ExampleFailure("the " + label + " process exited with " + process.exitValue()
                        + " before it was ready (its messages are above)");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new Examples.ExampleFailure("the " + label + " process was not ready within "
                        + timeout.toSeconds() + " s");
                }
            }
        }

        private void relay() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals(READY)) {
                        ready.countDown();
                    } else {
                        say("[%s] %s", label, line);
                    }
                }
            } catch (IOException e) {
                say("[%s] (output lost: %s)", label, e.getMessage());
            }
        }
    }
}
