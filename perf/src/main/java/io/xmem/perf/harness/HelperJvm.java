package io.xmem.perf.harness;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.ChildProcessException;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A helper JVM of one run, beside its publisher and subscribers: the Aeron media driver, a bridge
 * node. It runs on the harness's java and class path with the children's common flags, its output
 * in a log file, and calls {@code ParentWatch.start()}, so a harness killed outright takes it along.
 * A transport finds it again by pid only ({@link Transport#cleanUp} gets the prepared settings,
 * nothing else), so {@link #stop} works from the pid.
 */
public final class HelperJvm {
    /** Never closed: its shutdown hook kills a helper that a run's clean-up did not reach. */
    private static final Launcher HELPERS = new Launcher();

    private HelperJvm() {
    }

    /**
     * Starts {@code main} with {@code args}, logging to {@code log}, and returns its pid once it
     * printed {@code ready}; an {@link IllegalStateException} with the log's tail if it did not
     * within {@code timeout}.
     */
    public static long start(String label, Class<?> main, List<String> args, Path log, String ready, Duration timeout)
        throws IOException {
        JvmCommand command = JvmCommand.of(main).label(label).flags(ChildFlags.COMMON).args(args).mergeErrors();
        ChildLog output = ChildLog.create(log, command.commandLine());
        ChildProcess helper = HELPERS.start(command.onLine(output::append));
        try {
            helper.awaitLine(ready, timeout);
        } catch (ChildProcessException e) {
            helper.kill();
            throw new IllegalStateException(label + " did not start (log: " + log + "):\n    " + output.tail(), e);
        }
        return helper.pid();
    }

    /** SIGTERM, so that its shutdown hook cleans up; SIGKILL if it is still there after {@code grace}. */
    public static void stop(String pid, Duration grace) throws InterruptedException {
        Optional<ProcessHandle> helper = pid == null ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid));
        if (helper.isEmpty()) {
            return;
        }
        helper.get().destroy();
        try {
            helper.get().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            helper.get().destroyForcibly();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // onExit completes normally; never here
        }
    }
}
