package io.xmem.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts child JVMs and owns them and the shared files they use: {@link #close()} kills every
 * child still running and deletes every registered file, and so does one JVM shutdown hook for
 * every launcher not closed yet (Ctrl-C, {@code System.exit}). A launcher that dies without
 * either (SIGKILL) leaves no orphans: each child is told this JVM's pid and, through
 * {@link ParentWatch}, exits by itself once this JVM is gone, deleting the files that were
 * registered before it started.
 *
 * <pre>{@code
 * try (Launcher launcher = new Launcher("xmem demo")) {
 *     launcher.deleteOnClose(dir.resolve(name + ".ring"), dir.resolve(name + ".ring.lock"));
 *     ChildProcess sub = launcher.start(JvmCommand.of(Subscriber.class).args(name));
 *     sub.awaitLine("ready", Duration.ofSeconds(30));
 *     ...
 * }   // the children are gone and the files deleted, whatever happened above
 * }</pre>
 */
public final class Launcher implements AutoCloseable {
    private static final Set<Launcher> OPEN = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Launcher::closeAllAtExit, "xmem-launch-cleanup"));
        } catch (IllegalStateException shuttingDown) {
            // first used while this JVM exits: close() is the only clean-up left, as for any resource
        }
    }

    private final String label;
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
    private final List<Path> files = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A launcher whose clean-up at JVM exit is silent (tests, benchmarks). */
    public Launcher() {
        this(null);
    }

    /**
     * A launcher whose clean-up at JVM exit says what it ended, e.g. "xmem demo: stopped; ended 3
     * processes and deleted 4 shared files", on stderr.
     */
    public Launcher(String label) {
        this.label = label;
        OPEN.add(this);
    }

    /** Starts {@code command}; it is killed when this launcher closes. */
    public ChildProcess start(JvmCommand command) {
        if (closed.get()) {
            throw new IllegalStateException("this launcher is closed: it starts no more children");
        }
        ChildProcess child = ChildProcess.start(command.copy(), ParentWatch.flags(List.copyOf(files)));
        children.add(child);
        if (closed.get()) { // closed while it started: it must not outlive the launcher
            child.kill();
        }
        return child;
    }

    /**
     * Files (pools, rings, ... in {@code /dev/shm}) to delete when this launcher closes. Children
     * started after this call delete them too if they outlive this JVM.
     */
    public void deleteOnClose(Path... files) {
        deleteOnClose(Arrays.asList(files));
    }

    public void deleteOnClose(List<Path> files) {
        files.forEach(f -> this.files.add(f.toAbsolutePath()));
    }

    /** The children started so far, in order. */
    public List<ChildProcess> children() {
        return List.copyOf(children);
    }

    /**
     * Waits until every child has exited, {@code timeout} in all; returns those still running then
     * (not killed: the caller says so, then closes).
     */
    public List<ChildProcess> awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ChildProcess> running = new ArrayList<>();
        for (ChildProcess child : children) {
            if (!child.waitFor(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                running.add(child);
            }
        }
        return running;
    }

    /**
     * Waits until every one of {@code processes} has exited, {@code timeout} in all; returns those
     * still running then. For processes no launcher of this JVM started, e.g. a child's children.
     */
    public static List<ProcessHandle> awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> running = new ArrayList<>();
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                running.add(process);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChildProcessException("interrupted while waiting for " + processes + " to exit", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e); // onExit completes normally
            }
        }
        return running;
    }

    /** Kills every child still running; the files stay until {@link #close()}. */
    public void killAll() {
        for (ChildProcess child : children) {
            child.close();
        }
    }

    /**
     * Kills every child still running and deletes the registered files; once, later calls do
     * nothing. An {@link UncheckedIOException} if a file could not be deleted (after trying all).
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            OPEN.remove(this);
            killAll();
            deleteFiles();
        }
    }

    /** The number of files that existed and were deleted. */
    private int deleteFiles() {
        int deleted = 0;
        UncheckedIOException failure = null;
        for (Path file : files) {
            try {
                deleted += Files.deleteIfExists(file) ? 1 : 0;
            } catch (IOException e) {
                if (failure == null) {
                    failure = new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return deleted;
    }

    private static void closeAllAtExit() {
        for (Launcher launcher : OPEN) {
            try {
                launcher.closeAtExit();
            } catch (RuntimeException e) {
                System.err.println("xmem: clean-up at exit failed: " + e.getMessage());
            }
        }
    }

    /** {@link #close()}, saying what it ended when this launcher has a label and there was something. */
    private void closeAtExit() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long running = children.stream().filter(ChildProcess::isAlive).count();
        killAll();
        int deleted = deleteFiles();
        if (label != null && running + deleted > 0) {
            System.err.println(label + ": stopped; ended " + running + (running == 1 ? " process" : " processes")
                + " and deleted " + deleted + " shared " + (deleted == 1 ? "file" : "files"));
        }
    }
}
