package io.xmem.launch;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The child side of a {@link Launcher}: a child JVM whose parent is gone exits. Call
 * {@link #start()} first thing in every main a launcher starts; it does nothing in a JVM no
 * launcher started.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     ParentWatch.start();
 *     ...   // may busy-spin for ever: once the parent is gone, this JVM exits
 * }
 * }</pre>
 *
 * <p>Why: a parent killed with SIGKILL runs no clean-up, and a child that spins on a ring would
 * go on at 100 % CPU with its shared files left in {@code /dev/shm}. The launcher passes its pid
 * and start time as system properties ({@value #PARENT_PID}, {@value #PARENT_START}) and the files
 * it will delete ({@value #FILES}); a daemon thread here checks five times a second that the parent
 * lives. When it is gone the thread deletes those files, says so on stderr and calls
 * {@code System.exit(}{@value #EXIT_PARENT_GONE}{@code )}, so the child's own shutdown hooks run
 * too (closing a bridge, deleting an Aeron directory). The start time guards against a recycled
 * pid. The child also watches its own parent pid when the launcher is its direct parent: a killed
 * parent nobody has reaped yet still counts as alive for {@link ProcessHandle#isAlive()}, but its
 * children are handed to another process at once.
 */
public final class ParentWatch {
    /** System property: the pid of the JVM that launched this one. */
    public static final String PARENT_PID = "xmem.launch.parent";
    /** System property: the launching JVM's start time, epoch milliseconds, as {@link ProcessHandle.Info} says. */
    public static final String PARENT_START = "xmem.launch.parentStart";
    /** System property: the files the launcher deletes on close, separated by {@link File#pathSeparator}. */
    public static final String FILES = "xmem.launch.files";
    /** The exit code of a child that left because its parent was gone. */
    public static final int EXIT_PARENT_GONE = 3;
    private static final long POLL_MILLIS = 200;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private ParentWatch() {
    }

    /** Starts watching the launching JVM, once; nothing happens when no launcher started this JVM. */
    public static void start() {
        String pid = System.getProperty(PARENT_PID);
        if (pid == null || !STARTED.compareAndSet(false, true)) {
            return;
        }
        long parentPid = Long.parseLong(pid);
        List<Path> files = files(System.getProperty(FILES, ""));
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid).filter(ParentWatch::startedAsTold);
        Thread watch = new Thread(() -> {
            parent.ifPresent(ParentWatch::awaitGone);
            leave(parentPid, files);
        }, "xmem-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** The properties a launcher gives each child: its pid, start time and {@code files}. */
    static List<String> flags(List<Path> files) {
        ProcessHandle self = ProcessHandle.current();
        List<String> flags = new ArrayList<>();
        flags.add("-D" + PARENT_PID + "=" + self.pid());
        self.info().startInstant().ifPresent(t -> flags.add("-D" + PARENT_START + "=" + t.toEpochMilli()));
        if (!files.isEmpty()) {
            List<String> paths = files.stream().map(Path::toString).toList();
            flags.add("-D" + FILES + "=" + String.join(File.pathSeparator, paths));
        }
        return flags;
    }

    private static List<Path> files(String property) {
        List<Path> files = new ArrayList<>();
        for (String file : property.split(File.pathSeparator)) {
            if (!file.isEmpty()) {
                files.add(Path.of(file));
            }
        }
        return files;
    }

    /** False when the pid now names another process: ours died and the pid was given out again. */
    private static boolean startedAsTold(ProcessHandle parent) {
        String told = System.getProperty(PARENT_START);
        Optional<Instant> started = parent.info().startInstant();
        return told == null || started.isEmpty() || started.get().toEpochMilli() == Long.parseLong(told);
    }

    private static void awaitGone(ProcessHandle parent) {
        boolean direct = isOurParent(parent);
        while (parent.isAlive() && (!direct || isOurParent(parent))) {
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return; // nobody interrupts this thread but an exiting JVM
            }
        }
    }

    private static boolean isOurParent(ProcessHandle parent) {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parent.pid();
    }

    private static void leave(long parentPid, List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("xmem: cannot delete " + file + ": " + e.getMessage());
            }
        }
        System.err.println("xmem: parent process " + parentPid + " is gone; pid " + ProcessHandle.current().pid()
            + " exits" + (files.isEmpty() ? "" : " and deleted its parent's " + files.size() + " shared files"));
        System.exit(EXIT_PARENT_GONE);
    }
}
