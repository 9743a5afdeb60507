package io.xmem.stress.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The fuzz targets' per-input hang guard. A hang cannot be made to throw, and JUnit's
 * {@code @Timeout} would measure the whole fuzzing run (one invocation to JUnit), so a watchdog
 * thread looks at the input being run: if one takes longer than {@link #LIMIT_SECONDS}, it
 * prints the stuck thread's stack, saves the damaged file to {@code target/fuzz/hang-*} (to be
 * replayed with the target's own code) and halts the JVM, which fails the build.
 */
final class HangGuard {
    static final long LIMIT_SECONDS = 10;

    private static volatile Thread runner;
    private static volatile long started;
    private static volatile byte[] input;
    private static volatile String target;

    static {
        Thread watchdog = new Thread(HangGuard::watch, "fuzz hang guard");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private HangGuard() {
    }

    /** Runs one input of {@code name} whose damaged file is {@code file} (kept for the report). */
    static void run(String name, byte[] file, Runnable body) {
        target = name;
        input = file;
        started = System.nanoTime();
        runner = Thread.currentThread();
        try {
            body.run();
        } finally {
            runner = null;
        }
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            Thread t = runner;
            if (t != null && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(LIMIT_SECONDS)) {
                report(t);
                Runtime.getRuntime().halt(70);
            }
        }
    }

    private static void report(Thread stuck) {
        StringBuilder s = new StringBuilder("HANG: one input of " + target + " ran for more than " + LIMIT_SECONDS
            + " s; its thread:\n");
        for (StackTraceElement e : stuck.getStackTrace()) {
            s.append("    at ").append(e).append('\n');
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz"));
            Path saved = Files.write(dir.resolve("hang-" + target + "-" + System.currentTimeMillis()), input);
            s.append("the damaged file: ").append(saved.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            s.append("the damaged file could not be saved: ").append(e);
        }
        System.err.println(s);
        System.out.println(s);
    }
}
