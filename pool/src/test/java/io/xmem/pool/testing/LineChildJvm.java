package io.xmem.pool.testing;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.ChildProcessException;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.launch.LineFields;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real child JVM driven by line commands: one command on its stdin, one answer line on its
 * stdout ({@code OK payload} or {@code ERR ExceptionName message}), after a first line
 * {@code READY pid}. The process itself is an {@code io.xmem.launch} {@link ChildProcess}: every
 * wait is bounded, and a child that does not answer fails the test with an {@link AssertionError}
 * carrying its transcript and stderr, never hangs it. The cross-process tests of the pool and the
 * ring (through this module's test-jar) build their children on it; each child's main calls
 * {@code ParentWatch.start()}, so a test JVM killed mid-run leaves none behind.
 */
public class LineChildJvm implements AutoCloseable {
    /** Hang guard for one answer; generous for a loaded 2-core machine. */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    /** Its own launcher: closing the child closes it, and a test that forgets is cleaned up at JVM exit. */
    private final Launcher launcher = new Launcher();
    private final ChildProcess child;

    /**
     * Starts {@code main} on this JVM's java binary and class path with {@code jvmFlags} and waits
     * for it to say READY.
     */
    protected LineChildJvm(Class<?> main, List<String> jvmFlags) {
        child = launcher.start(JvmCommand.of(main).flags(jvmFlags));
        String hello;
        try {
            hello = next(ANSWER_TIMEOUT);
        } catch (AssertionError e) {
            close();
            throw e;
        }
        if (!hello.equals("READY " + child.pid())) {
            close();
            throw new AssertionError(child + " said '" + hello + "' instead of READY" + diagnostics());
        }
    }

    public long pid() {
        return child.pid();
    }

    /** Sends one command and returns the whole answer line. */
    public String call(String command) {
        return call(command, ANSWER_TIMEOUT);
    }

    /** Sends one command and returns the whole answer line, waiting up to {@code timeout}. */
    public String call(String command, Duration timeout) {
        if (!child.send(command)) {
            throw new AssertionError("cannot send '" + command + "' to " + child + diagnostics());
        }
        return next(timeout);
    }

    /** Sends a command that must succeed; returns the payload after {@code OK}. */
    public String ok(String command) {
        return ok(command, ANSWER_TIMEOUT);
    }

    public String ok(String command, Duration timeout) {
        String answer = call(command, timeout);
        if (!answer.equals("OK") && !answer.startsWith("OK ")) {
            throw new AssertionError(child + " failed '" + command + "': " + answer + diagnostics());
        }
        return answer.length() > 2 ? answer.substring(3) : "";
    }

    /** Sends a command that must fail; returns {@code ExceptionSimpleName message}. */
    public String err(String command) {
        String answer = call(command);
        if (!answer.startsWith("ERR ")) {
            throw new AssertionError(child + " was expected to fail '" + command + "' but answered: " + answer
                + diagnostics());
        }
        return answer.substring(4);
    }

    /** Sends a command that must fail; returns the simple name of the exception the child caught. */
    public String errType(String command) {
        String rest = err(command);
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    /** A payload of {@code key=value} pairs as a map. */
    public static Map<String, String> pairs(String payload) {
        return LineFields.of(payload);
    }

    public static long token(String hex) {
        return Long.parseUnsignedLong(hex.trim(), 16);
    }

    public static String hex(long token) {
        return Long.toHexString(token);
    }

    public boolean isAlive() {
        return child.isAlive();
    }

    /** SIGKILL, as a crash, and waits until the process is gone. */
    public void kill9() {
        child.crash();
    }

    public int awaitExit() {
        try {
            return child.awaitExit(ANSWER_TIMEOUT);
        } catch (ChildProcessException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Kills the child if it still runs; for cleanup, never throws. */
    @Override
    public void close() {
        launcher.close();
    }

    /** What the child was sent and said, and its stderr, for failure messages. */
    public String diagnostics() {
        return child.diagnostics();
    }

    private String next(Duration timeout) {
        try {
            return child.nextLine(timeout);
        } catch (ChildProcessException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
