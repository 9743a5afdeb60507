package io.xmem.pool.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real child JVM driven by line commands: one command on its stdin, one answer line on its
 * stdout ({@code OK payload} or {@code ERR ExceptionName message}), after a first line
 * {@code READY pid}. Every wait is bounded; a child that does not answer fails the test with its
 * transcript and stderr attached, never hangs it. The cross-process tests of the pool and the
 * ring (through this module's test-jar) build their children on it.
 */
public class LineChildJvm implements AutoCloseable {
    /** Hang guard for one answer; generous for a loaded 2-core machine. */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final String EOF = "\u0000EOF";
    private static final int STDERR_CAP = 64 * 1024;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final List<String> transcript = new ArrayList<>();
    private final long pid;

    /**
     * Starts {@code main} on this JVM's java binary and class path with {@code jvmFlags} and waits
     * for it to say READY.
     */
    protected LineChildJvm(Class<?> main, List<String> jvmFlags) {
        String java = ProcessHandle.current().info().command()
            .orElseThrow(() -> new IllegalStateException("cannot tell this JVM's java binary"));
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        try {
            this.process = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start child JVM " + cmd, e);
        }
        this.pid = process.pid();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(process.getInputStream(), "stdout", answers::add, () -> answers.add(EOF));
        pump(process.getErrorStream(), "stderr", this::appendStderr, () -> { });
        String hello;
        try {
            hello = next("start-up", ANSWER_TIMEOUT);
        } catch (AssertionError e) {
            close();
            throw e;
        }
        if (!hello.equals("READY " + pid)) {
            close();
            throw new AssertionError("child " + pid + " said '" + hello + "' instead of READY" + diagnostics());
        }
    }

    public long pid() {
        return pid;
    }

    /** Sends one command and returns the whole answer line. */
    public String call(String command) {
        return call(command, ANSWER_TIMEOUT);
    }

    /** Sends one command and returns the whole answer line, waiting up to {@code timeout}. */
    public String call(String command, Duration timeout) {
        record("> " + command);
        try {
            stdin.write(command);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot send '" + command + "' to child " + pid + ": " + e + diagnostics());
        }
        String answer = next(command, timeout);
        record("< " + answer);
        return answer;
    }

    /** Sends a command that must succeed; returns the payload after {@code OK}. */
    public String ok(String command) {
        return ok(command, ANSWER_TIMEOUT);
    }

    public String ok(String command, Duration timeout) {
        String answer = call(command, timeout);
        if (!answer.equals("OK") && !answer.startsWith("OK ")) {
            throw new AssertionError("child " + pid + " failed '" + command + "': " + answer + diagnostics());
        }
        return answer.length() > 2 ? answer.substring(3) : "";
    }

    /** Sends a command that must fail; returns {@code ExceptionSimpleName message}. */
    public String err(String command) {
        String answer = call(command);
        if (!answer.startsWith("ERR ")) {
            throw new AssertionError("child " + pid + " was expected to fail '" + command + "' but answered: " + answer
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
        Map<String, String> map = new HashMap<>();
        for (String part : payload.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                map.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return map;
    }

    public static long token(String hex) {
        return Long.parseUnsignedLong(hex.trim(), 16);
    }

    public static String hex(long token) {
        return Long.toHexString(token);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (destroyForcibly on Linux) and waits until the process is gone. */
    public void kill9() {
        process.destroyForcibly();
        awaitExit();
    }

    public int awaitExit() {
        try {
            if (!process.waitFor(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child " + pid + " did not exit within " + ANSWER_TIMEOUT + diagnostics());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for child " + pid, e);
        }
        return process.exitValue();
    }

    /** Kills the child if it still runs; for cleanup, never throws. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the child said and printed, for failure messages. */
    public String diagnostics() {
        StringBuilder sb = new StringBuilder("\n---- child ").append(pid)
            .append(process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")").append(" ----\n");
        synchronized (transcript) {
            int from = Math.max(0, transcript.size() - 40);
            for (String line : transcript.subList(from, transcript.size())) {
                sb.append(line).append('\n');
            }
        }
        synchronized (stderr) {
            if (!stderr.isEmpty()) {
                sb.append("---- stderr ----\n").append(stderr);
            }
        }
        return sb.append("---- end of child ").append(pid).append(" ----").toString();
    }

    private String next(String what, Duration timeout) {
        String line;
        try {
            line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for child " + pid, e);
        }
        if (line == null) {
            throw new AssertionError("child " + pid + " did not answer '" + what + "' within " + timeout
                + diagnostics());
        }
        if (line.equals(EOF)) {
            answers.add(EOF); // keep saying so to later callers
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new AssertionError("child " + pid + " closed its stdout instead of answering '" + what + "'"
                + diagnostics());
        }
        return line;
    }

    private void record(String line) {
        synchronized (transcript) {
            transcript.add(line);
        }
    }

    private void appendStderr(String line) {
        synchronized (stderr) {
            if (stderr.length() < STDERR_CAP) {
                stderr.append(line).append('\n');
            }
        }
    }

    private void pump(InputStream in, String stream, Consumer<String> sink, Runnable atEnd) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the child died; what it said so far is kept
            } finally {
                atEnd.run();
            }
        }, "child-" + pid + "-" + stream);
        t.setDaemon(true);
        t.start();
    }
}
