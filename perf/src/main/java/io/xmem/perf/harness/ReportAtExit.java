package io.xmem.perf.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * A run's report, written once: at the end of the run, or, when the run is stopped before (Ctrl-C,
 * SIGTERM, {@code xmem bench} stopped, the process that started the harness gone), by a JVM shutdown
 * hook with the configurations that finished. An hour of {@code --full} stopped at minute 50 keeps
 * its 50 minutes.
 *
 * <pre>{@code
 * try (ReportAtExit reports = new ReportAtExit(configs.size(), progress,
 *         (done, interruption) -> new Report(..., done, ..., interruption))) {
 *     for (Config c : configs) {
 *         reports.add(runner.run(c));
 *     }
 *     Path md = reports.writeComplete();
 * }   // the hook is gone: nothing more is written at exit
 * }</pre>
 */
final class ReportAtExit implements AutoCloseable {
    private final int planned;
    private final PrintStream progress;
    /** The report of these results; the second argument is the interruption, or null. */
    private final BiFunction<List<ConfigResult>, String, Report> report;
    /** Read by the hook while the run adds to it. */
    private final List<ConfigResult> results = new CopyOnWriteArrayList<>();
    /** Held while a report is written: the hook waits for a complete report being written, and vice versa. */
    private final ReentrantLock writing = new ReentrantLock();
    private final Thread hook;
    private boolean written; // guarded by writing

    ReportAtExit(int planned, PrintStream progress, BiFunction<List<ConfigResult>, String, Report> report) {
        this.planned = planned;
        this.progress = progress;
        this.report = report;
        this.hook = new Thread(this::writePartial, "harness-partial-report");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void add(ConfigResult result) {
        results.add(result);
    }

    List<ConfigResult> results() {
        return List.copyOf(results);
    }

    /** Writes the report of the whole run; null if the hook wrote a partial one first (the JVM is exiting). */
    Path writeComplete() throws IOException {
        writing.lock();
        try {
            if (written) {
                return null;
            }
            written = true;
            return report.apply(results(), null).write();
        } finally {
            writing.unlock();
        }
    }

    private void writePartial() {
        writing.lock();
        try {
            if (written) {
                return;
            }
            written = true;
            List<ConfigResult> done = results();
            if (done.isEmpty()) {
                progress.printf("%nharness: stopped before the first configuration finished: no report%n");
                return;
            }
            String why = "stopped after " + done.size() + " of " + planned + " configurations";
            Path md = report.apply(done, why).write();
            progress.printf("%nharness: %s; partial report: %s%n", why, md);
        } catch (IOException | RuntimeException e) {
            progress.printf("%nharness: stopped; the partial report could not be written: %s%n", e);
        } finally {
            progress.flush();
            writing.unlock();
        }
    }

    /** The run is over: no partial report at exit. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the hook runs or has run: it finds the report written
        }
    }
}
