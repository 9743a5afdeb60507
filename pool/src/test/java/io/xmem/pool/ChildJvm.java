package io.xmem.pool;

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

/**
 * A real child JVM running {@link PoolChild}: one line command on its stdin, one line answer on
 * its stdout ({@code OK payload} or {@code ERR ExceptionName message}). Every wait is bounded;
 * a child that does not answer fails the test with its stderr attached, never hangs it.
 *
 * <pre>{@code
 * ChildJvm child = ChildJvm.start();
 * child.ok("OPEN " + name);                      // "0", "1", ...: its participant index
 * long token = ChildJvm.token(child.ok("ACQUIRE 4096"));
 * child.kill9();                                 // SIGKILL, then waits for the exit
 * }</pre>
 */
final class ChildJvm implements AutoCloseable {
    /** Hang guard for one answer; generous for a loaded 2-core machine. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final String EOF = "\u0000EOF";
    private static final int STDERR_CAP = 64 * 1024;

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final List<String> transcript = new ArrayList<>();
    private final long pid;
    private int participantIndex = -1;

    private ChildJvm(Process process) {
        this.process = process;
        this.pid = process.pid();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(process.getInputStream(), "stdout", line -> answers.add(line), () -> answers.add(EOF));
        pump(process.getErrorStream(), "stderr", this::appendStderr, () -> { });
    }

    /** Starts a child on this JVM's java binary and class path and waits for it to say READY. */
    static ChildJvm start() {
        String java = ProcessHandle.current().info().command()
            .orElseThrow(() -> new IllegalStateException("cannot tell this JVM's java binary"));
        List<String> cmd = List.of(java,
            "-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-cp", System.getProperty("java.class.path"),
            PoolChild.class.getName());
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start child JVM " + cmd, e);
        }
        ChildJvm child = new ChildJvm(p);
        String hello = child.next("start-up");
        if (!hello.equals("READY " + child.pid)) {
            child.kill9();
            throw new AssertionError("child " + child.pid + " said '" + hello + "' instead of READY" + child.diagnostics());
        }
        return child;
    }

    long pid() {
        return pid;
    }

    /** Opens pool {@code name} in the child; returns its participant index. */
    int open(String name) {
        participantIndex = Integer.parseInt(ok("OPEN " + name));
        return participantIndex;
    }

    /** The child's participant index in the pool it opened last. */
    int index() {
        if (participantIndex < 0) {
            throw new IllegalStateException("child " + pid + " has opened no pool");
        }
        return participantIndex;
    }

    /** The child's bit in holder masks. */
    long bit() {
        return 1L << index();
    }

    /** Sends one command and returns the whole answer line. */
    String call(String command) {
        record("> " + command);
        try {
            stdin.write(command);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot send '" + command + "' to child " + pid + ": " + e + diagnostics());
        }
        String answer = next(command);
        record("< " + answer);
        return answer;
    }

    /** Sends a command that must succeed; returns the payload after {@code OK}. */
    String ok(String command) {
        String answer = call(command);
        if (!answer.equals("OK") && !answer.startsWith("OK ")) {
            throw new AssertionError("child " + pid + " failed '" + command + "': " + answer + diagnostics());
        }
        return answer.length() > 2 ? answer.substring(3) : "";
    }

    /** Sends a command that must fail; returns the simple name of the exception the child caught. */
    String err(String command) {
        String answer = call(command);
        if (!answer.startsWith("ERR ")) {
            throw new AssertionError("child " + pid + " was expected to fail '" + command + "' but answered: " + answer
                + diagnostics());
        }
        String rest = answer.substring(4);
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    /** The child's stress result, sent as {@code key=value} pairs. */
    static Map<String, String> pairs(String payload) {
        Map<String, String> map = new HashMap<>();
        for (String part : payload.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                map.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return map;
    }

    static long token(String hex) {
        return Long.parseUnsignedLong(hex.trim(), 16);
    }

    static String hex(long token) {
        return Long.toHexString(token);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL (destroyForcibly on Linux) and waits until the process is gone. */
    void kill9() {
        process.destroyForcibly();
        awaitExit();
    }

    int awaitExit() {
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
    String diagnostics() {
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

    private String next(String what) {
        String line;
        try {
            line = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for child " + pid, e);
        }
        if (line == null) {
            throw new AssertionError("child " + pid + " did not answer '" + what + "' within " + ANSWER_TIMEOUT
                + diagnostics());
        }
        if (line.equals(EOF)) {
            answers.add(EOF); // keep saying so to later callers
            awaitQuietly();
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

    private void awaitQuietly() {
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void appendStderr(String line) {
        synchronized (stderr) {
            if (stderr.length() < STDERR_CAP) {
                stderr.append(line).append('\n');
            }
        }
    }

    private void pump(InputStream in, String stream, java.util.function.Consumer<String> sink, Runnable atEnd) {
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
