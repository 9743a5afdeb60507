package io.xmem.examples;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.ChildProcessException;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.tools.FrameChecker;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * The role processes of one example run and the rings it made, on {@code io.xmem.launch}: each role
 * is {@code Examples ROLE ARGS} in a JVM of its own, everything it prints is relayed as
 * {@code [label] line}, and closing kills what still runs and deletes the rings, also when the run
 * failed or was interrupted (Ctrl-C) and, by the roles themselves, when this JVM was killed.
 *
 * <pre>{@code
 * try (Roles roles = new Roles("pingpong", out)) {
 *     Ring ping = roles.createRing(name, config);             // deleted on close
 *     ChildProcess pong = roles.start("pong", "pong", "--in", name);
 *     roles.awaitReady(pong);
 *     ...
 *     return roles.awaitAll(Duration.ofMinutes(1));          // true when every role exited 0
 * }
 * }</pre>
 */
final class Roles implements AutoCloseable {
    /** What a role prints once it has joined its rings, so the next role may rely on it. */
    static final String READY = FrameChecker.READY;
    private static final Duration READY_WAIT = Duration.ofSeconds(30);

    private final Console console;
    private final Launcher launcher;

    Roles(String example, PrintWriter out) {
        this.console = new Console(out);
        this.launcher = new Launcher("examples/run " + example);
    }

    /** The command of role {@code role} labelled {@code label}: this jar's {@link Examples} in a JVM of its own. */
    static JvmCommand command(String label, String role, String... args) {
        return JvmCommand.of(Examples.class).label(label)
            // The ring's futex is a downcall; late-join's roles run Aeron, whose Agrona reaches jdk.internal.misc.
            .flags("--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xmx512m")
            .args(role).args(args);
    }

    /** Creates a pool that is deleted when these roles close. */
    BufferPool createPool(String name, PoolConfig config) {
        BufferPool pool = BufferPool.create(name, config);
        launcher.deleteOnClose(BufferPool.files(name, config.directory()));
        return pool;
    }

    /** Creates a ring that is deleted when these roles close. */
    Ring createRing(String name, RingConfig config) {
        Ring ring = Ring.create(name, config);
        launcher.deleteOnClose(Ring.files(name, config.directory()));
        return ring;
    }

    /** Starts role {@code role}; its stdout and stderr are relayed as {@code [label] line}. */
    ChildProcess start(String label, String role, String... args) {
        try {
            return launcher.start(command(label, role, args).mergeErrors().onLine(line -> console.relay(label, line)));
        } catch (ChildProcessException e) {
            throw new Examples.ExampleFailure(e.getMessage());
        }
    }

    /** Waits until {@code role} says {@link #READY}; an {@link Examples.ExampleFailure} if it exits or is late. */
    void awaitReady(ChildProcess role) {
        try {
            role.awaitLine(READY, READY_WAIT);
        } catch (ChildProcessException e) {
            throw new Examples.ExampleFailure("the " + role.label() + " process " + (role.isAlive()
                ? "was not ready within " + READY_WAIT.toSeconds() + " s"
                : "exited with " + role.exitCode() + " before it was ready (its messages are above)"));
        }
    }

    /**
     * Waits for every role to exit, at most {@code timeout} in all; kills the rest after that.
     * True when every role exited with 0.
     */
    boolean awaitAll(Duration timeout) {
        List<ChildProcess> late = launcher.awaitAll(timeout);
        for (ChildProcess role : late) {
            say("the %s process (pid %d) did not finish within %d s: stopping it", role.label(), role.pid(),
                timeout.toSeconds());
            role.kill();
        }
        boolean ok = late.isEmpty();
        for (ChildProcess role : launcher.children()) {
            if (!late.contains(role) && role.exitCode() != 0) {
                say("the %s process exited with %d", role.label(), role.exitCode());
                ok = false;
            }
        }
        return ok;
    }

    /** Prints one line of the example's own, between the roles' lines. */
    void say(String format, Object... args) {
        console.say(format, args);
    }

    @Override
    public void close() {
        launcher.close();
    }
}
