package io.xmem.perf.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One running child JVM seen from the harness: its {@code @xmem} stdout lines go to a shared
 * queue of {@link Event}s, everything else (and stderr) to its log file.
 */
final class ChildProcess {
    /** A line from child {@code child}; {@code line == null} means its stdout closed (it exited). */
    record Event(ChildProcess child, String line) {
    }

    final String label;
    private final Process process;
    private final Writer stdin;
    private final Path log;

    private ChildProcess(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static ChildProcess start(String label, List<String> command, Path log, BlockingQueue<Event> events)
        throws IOException {
        Files.writeString(log, String.join(" ", command) + "\n");
        Process p = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        ChildProcess child = new ChildProcess(label, p, log);
        Thread pump = new Thread(() -> child.pump(events), "stdout-" + label);
        pump.setDaemon(true);
        pump.start();
        return child;
    }

    private void pump(BlockingQueue<Event> events) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(Child.PREFIX)) {
                    events.add(new Event(this, line.substring(Child.PREFIX.length())));
                } else {
                    appendLog(line);
                }
            }
        } catch (IOException e) {
            appendLog("harness: reading stdout failed: " + e);
        } finally {
            events.add(new Event(this, null));
        }
    }

    private synchronized void appendLog(String line) {
        try {
            Files.writeString(log, "[stdout] " + line + "\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is diagnostics only
        }
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            // the child is gone; its exit shows up as an EOF event
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits up to {@code millis} for a normal exit, then kills it; returns the exit code. */
    int finish(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            kill();
        }
        return process.exitValue();
    }

    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly); // the JVM, when perf stat wraps it
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The last lines of its log, for an error message. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n    ", lines.subList(Math.max(1, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
