package io.xmem.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A running child JVM started by a {@link Launcher}. Its stdout and stderr are read line by line
 * on two daemon threads, so it never blocks on a full pipe; every wait on it is bounded and fails
 * with a {@link ChildProcessException} carrying what it said and printed, never hangs.
 *
 * <pre>{@code
 * ChildProcess child = launcher.start(JvmCommand.of(PoolChild.class));
 * child.awaitLine(line -> line.startsWith("READY"), Duration.ofSeconds(30));
 * child.send("OPEN frames");
 * String answer = child.nextLine(Duration.ofSeconds(30));
 * child.stop(Duration.ofSeconds(10));               // closes its stdin, kills it if it lingers
 * }</pre>
 *
 * Stdout lines go to the command's {@code onLine} consumer as they come and are also queued for
 * {@link #nextLine} and {@link #awaitLine}; a child that prints more than {@value #KEPT_LINES}
 * lines nobody takes loses the oldest of them from the queue (never from the consumer).
 */
public final class ChildProcess implements AutoCloseable {
    /** Unread stdout lines kept for the waits; beyond this the oldest go. */
    static final int KEPT_LINES = 10_000;
    /** A kill is done within this, or the process is stuck in the kernel: say so, do not wait on. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);
    /** Once the process is gone, its last lines are read within this. */
    private static final Duration OUTPUT_WAIT = Duration.ofSeconds(10);
    private static final int TRANSCRIPT_LINES = 60;
    private static final int STDERR_CAP = 64 * 1024;
    /** Marks the end of stdout in the line queue; no line read from a pipe can equal it. */
    private static final String END = new String("\u0000end of output");

    private final String label;
    private final Process process;
    private final List<String> command;
    private final Writer stdin;
    private final LinkedBlockingDeque<String> lines = new LinkedBlockingDeque<>();
    private final Deque<String> transcript = new ArrayDeque<>();
    private final StringBuilder stderr = new StringBuilder();
    private final CompletableFuture<ChildProcess> ended = new CompletableFuture<>();
    private final Thread outReader;
    private final Thread errReader;
    private final AtomicInteger readersLeft;
    private final Duration stopGrace;

    private ChildProcess(JvmCommand spec, Process process, List<String> command) {
        this.label = spec.label();
        this.process = process;
        this.command = command;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Consumer<String> onLine = spec.lineConsumer();
        this.outReader = reader("stdout", process.getInputStream(), line -> {
            record("< " + line);
            keep(line);
            deliver(onLine, line);
        });
        Consumer<String> onErrorLine = spec.errorLineConsumer();
        this.errReader = spec.mergesErrors() ? null : reader("stderr", process.getErrorStream(), line -> {
            appendStderr(line);
            deliver(onErrorLine, line);
        });
        this.readersLeft = new AtomicInteger(errReader == null ? 1 : 2);
        this.stopGrace = spec.stopGrace();
    }

    /** Starts {@code spec} with {@code launcherFlags} ahead of its own flags. */
    static ChildProcess start(JvmCommand spec, List<String> launcherFlags) {
        List<String> command = spec.commandLine(launcherFlags);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(spec.mergesErrors());
        builder.environment().putAll(spec.environment());
        if (spec.directory() != null) {
            builder.directory(spec.directory().toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ChildProcessException("cannot start " + spec.label() + " (" + String.join(" ", command) + "): "
                + e.getMessage(), e);
        }
        ChildProcess child = new ChildProcess(spec, process, command);
        child.outReader.start();
        if (child.errReader != null) {
            child.errReader.start();
        }
        return child;
    }

    public String label() {
        return label;
    }

    public long pid() {
        return process.pid();
    }

    /** The whole command line it was started with, the launcher's flags included. */
    public List<String> command() {
        return command;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Its exit code, or -1 while it runs (exit codes are 0 to 255). */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Completes once the process has exited and everything it printed has been read. */
    public CompletableFuture<ChildProcess> onExit() {
        return ended;
    }

    /** Writes one line to its stdin; false when it is gone or has closed its stdin. */
    public synchronized boolean send(String line) {
        record("> " + line);
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
            return true;
        } catch (IOException e) {
            record("(could not send: " + e.getMessage() + ")");
            return false;
        }
    }

    /** Closes its stdin: a child that reads it sees the end, which is how several of ours are told to stop. */
    public synchronized void closeInput() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone: its exit says the rest
        }
    }

    /** The next stdout line nobody has taken yet, waiting up to {@code timeout}. */
    public String nextLine(Duration timeout) {
        String line = poll(timeout.toNanos());
        if (line == null) {
            throw failure(this + " printed no line within " + seconds(timeout), null);
        }
        return line;
    }

    /** Takes lines until one equals {@code wanted}, waiting up to {@code timeout} in all. */
    public String awaitLine(String wanted, Duration timeout) {
        return awaitLine(wanted::equals, "'" + wanted + "'", timeout);
    }

    /** Takes lines until one matches {@code wanted}, waiting up to {@code timeout} in all. */
    public String awaitLine(Predicate<String> wanted, Duration timeout) {
        return awaitLine(wanted, "the awaited line", timeout);
    }

    private String awaitLine(Predicate<String> wanted, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String line; (line = poll(deadline - System.nanoTime())) != null; ) {
            if (wanted.test(line)) {
                return line;
            }
        }
        throw failure(this + " did not print " + what + " within " + seconds(timeout), null);
    }

    /** The next line, or null after {@code nanos}; a failure once the child has ended its output. */
    private String poll(long nanos) {
        String line;
        try {
            line = lines.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for a line from " + this, e);
        }
        if (line == END) {
            lines.addFirst(END); // later waits learn the same at once
            waitFor(Duration.ofSeconds(2)); // its exit code belongs in the message, if it is coming
            throw failure(this + " ended its output (exit code " + exitCode() + ") while a line was awaited", null);
        }
        return line;
    }

    /**
     * Waits until it has started {@code count} processes of its own (it is a launcher too) and
     * returns them: what a test needs to check that they outlive it by no more than a moment.
     */
    public List<ProcessHandle> awaitChildren(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (List<ProcessHandle> children = List.of(); ; children = process.children().toList()) {
            if (children.size() >= count) {
                return children;
            }
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                throw failure(this + " started " + children.size() + " of " + count + " processes "
                    + (process.isAlive() ? "within " + seconds(timeout) : "before it exited"), null);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while waiting for the children of " + this, e);
            }
        }
    }

    /** Waits up to {@code timeout} for it to exit; true once it has and its output is read. */
    public boolean waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            ended.get(OUTPUT_WAIT.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for " + this + " to exit", e);
        } catch (Exception e) {
            return true; // exited; a grandchild holding its pipe keeps the last lines from us
        }
    }

    /** Waits up to {@code timeout} for it to exit by itself; returns its exit code. */
    public int awaitExit(Duration timeout) {
        if (!waitFor(timeout)) {
            throw failure(this + " did not exit within " + seconds(timeout), null);
        }
        return process.exitValue();
    }

    /** Closes its stdin, gives it {@code grace} to exit, then kills it; returns its exit code. */
    public int stop(Duration grace) {
        closeInput();
        if (!waitFor(grace)) {
            kill();
        }
        return exitCode();
    }

    /**
     * SIGKILL (what {@code destroyForcibly} is on Linux) to it and to whatever it started, then
     * waits until it is gone. For clean-up and crash tests: never throws.
     */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly); // e.g. the JVM a `perf stat` prefix runs
        process.destroyForcibly();
        awaitGone();
    }

    private void awaitGone() {
        boolean interrupted = false;
        try {
            process.waitFor(KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            ended.get(OUTPUT_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (Exception ignored) {
            // what it printed so far is kept; the rest is lost with it
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGKILL to this process alone, as a crash would end it (what it started lives on), then waits
     * until it is gone. Never throws.
     */
    public void crash() {
        process.destroyForcibly();
        awaitGone();
    }

    /**
     * Kills it if it still runs; a child with a {@linkplain JvmCommand#stopGrace stop grace} is asked
     * to stop (SIGTERM) and given that long first.
     */
    @Override
    public void close() {
        if (process.isAlive() && stopGrace.isPositive()) {
            process.toHandle().destroy(); // SIGTERM; Process.destroy would also close the pipes we read
            waitFor(stopGrace);
        }
        if (process.isAlive()) {
            kill();
        }
    }

    /** What was sent to it and what it printed (the last lines), and its stderr: for failure messages. */
    public String diagnostics() {
        StringBuilder sb = new StringBuilder("\n---- ").append(this).append(process.isAlive() ? ", running"
            : ", exited with " + process.exitValue()).append(" ----\n");
        synchronized (transcript) {
            transcript.forEach(line -> sb.append(line).append('\n'));
        }
        synchronized (stderr) {
            if (!stderr.isEmpty()) {
                sb.append("---- its stderr ----\n").append(stderr);
            }
        }
        return sb.append("---- end of ").append(label).append(" ----").toString();
    }

    @Override
    public String toString() {
        return label + " (pid " + process.pid() + ")";
    }

    private ChildProcessException failure(String message, Throwable cause) {
        return new ChildProcessException(message + diagnostics(), cause);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private Thread reader(String stream, InputStream in, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                record("(reading its " + stream + " failed: " + e.getMessage() + ")");
            } finally {
                if (stream.equals("stdout")) {
                    lines.add(END);
                }
                readerDone();
            }
        }, "child " + label + " " + stream);
        t.setDaemon(true);
        return t;
    }

    /** The last reader to finish completes {@link #onExit()}, once the process is gone too. */
    private void readerDone() {
        if (readersLeft.decrementAndGet() == 0) {
            process.onExit().thenRun(() -> ended.complete(this));
        }
    }

    private void keep(String line) {
        lines.add(line);
        while (lines.size() > KEPT_LINES) {
            lines.pollFirst();
        }
    }

    /** A consumer that throws must not stop the reading, or the child would block on a full pipe. */
    private void deliver(Consumer<String> consumer, String line) {
        try {
            consumer.accept(line);
        } catch (RuntimeException e) {
            record("(the line consumer failed on that line: " + e + ")");
        }
    }

    private void record(String line) {
        synchronized (transcript) {
            transcript.add(line);
            if (transcript.size() > TRANSCRIPT_LINES) {
                transcript.removeFirst();
            }
        }
    }

    private void appendStderr(String line) {
        synchronized (stderr) {
            if (stderr.length() < STDERR_CAP) {
                stderr.append(line).append('\n');
            }
        }
    }
}
