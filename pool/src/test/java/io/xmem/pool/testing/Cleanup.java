package io.xmem.pool.testing;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of a cross-process test, passed or failed: every step runs even when an earlier one
 * threw, and {@link #finish} reports what went wrong (the first problem, the rest suppressed).
 *
 * <pre>{@code
 * Cleanup cleanup = new Cleanup();
 * cleanup.closeChildren(children, failed);
 * names.forEach(cleanup::deletePool);
 * cleanup.finish(context.getDisplayName());
 * }</pre>
 */
public final class Cleanup {
    /** A cleanup step. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final List<Throwable> problems = new ArrayList<>();

    /** Runs {@code step}, keeping what it throws. */
    public void run(Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            problems.add(t);
        }
    }

    /** Kills every child still running; after a failed test, prints each one's transcript first. */
    public void closeChildren(List<? extends LineChildJvm> children, boolean testFailed) {
        for (LineChildJvm child : children) {
            if (testFailed) {
                System.err.println(child.diagnostics());
            }
            run(child::close);
        }
    }

    /** Deletes pool {@code name} in {@code /dev/shm} and checks that both of its files are gone. */
    public void deletePool(String name) {
        run(() -> {
            BufferPool.delete(name);
            if (Files.exists(PoolConfig.DEFAULT_DIRECTORY.resolve(name + ".pool"))
                || Files.exists(PoolConfig.DEFAULT_DIRECTORY.resolve(name + ".pool.lock"))) {
                throw new AssertionError("pool files of " + name + " still exist after delete");
            }
        });
    }

    /** Throws an {@link AssertionError} carrying every problem, if there was one. */
    public void finish(String what) {
        if (!problems.isEmpty()) {
            AssertionError e = new AssertionError("cleanup of " + what + " failed: " + problems.getFirst(),
                problems.getFirst());
            problems.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }
}
