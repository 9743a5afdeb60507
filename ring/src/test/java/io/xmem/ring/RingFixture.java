package io.xmem.ring;

import io.xmem.pool.PoolConfig;
import io.xmem.pool.testing.Cleanup;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per test: unique ring and pool names, the child JVMs and the rings and pools this JVM opened,
 * and their cleanup in {@code afterEach} whether the test passed or not: children killed, this
 * JVM's handles closed, every ring ({@code .ring}, {@code .ring.lock}) and pool file deleted
 * and checked gone. On failure each child's transcript and stderr go to the test output.
 *
 * <pre>{@code
 * @RegisterExtension final RingFixture fx = new RingFixture();
 * BufferPool pool = fx.track(BufferPool.create(fx.pool(), cfg));
 * Ring ring = fx.track(Ring.create(fx.ring(), RingConfig.builder().pool(fx.pool()).build()));
 * RingChildJvm sub = fx.child();
 * }</pre>
 */
final class RingFixture implements AfterEachCallback {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final List<String> rings = new ArrayList<>();
    private final List<String> pools = new ArrayList<>();
    private final List<RingChildJvm> children = new ArrayList<>();
    private final List<AutoCloseable> handles = new ArrayList<>();

    private static String unique(String kind) {
        return "xmem-test-" + kind + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
            + SEQUENCE.incrementAndGet();
    }

    /** A new unique ring name, deleted after the test. */
    String ring() {
        String name = unique("ring");
        rings.add(name);
        return name;
    }

    /** A new unique pool name, deleted after the test. */
    String pool() {
        String name = unique("pool");
        pools.add(name);
        return name;
    }

    /** Closed after the test, newest first. */
    <T extends AutoCloseable> T track(T handle) {
        handles.add(handle);
        return handle;
    }

    RingChildJvm child() {
        RingChildJvm child = RingChildJvm.start();
        children.add(child);
        return child;
    }

    /** A child started with JVM flags of its own as well. */
    RingChildJvm child(String... flags) {
        RingChildJvm child = RingChildJvm.start(flags);
        children.add(child);
        return child;
    }

    static Path ringFile(String name) {
        return PoolConfig.DEFAULT_DIRECTORY.resolve(name + ".ring");
    }

    static Path ringLockFile(String name) {
        return PoolConfig.DEFAULT_DIRECTORY.resolve(name + ".ring.lock");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        Cleanup cleanup = new Cleanup();
        cleanup.closeChildren(children, failed);
        for (int i = handles.size() - 1; i >= 0; i--) {
            AutoCloseable handle = handles.get(i);
            if (failed) {
                try { // after a failure a handle may be broken already: the test's error is the one to see
                    handle.close();
                } catch (Exception ignored) {
                    // reported by the test itself
                }
            } else {
                cleanup.run(handle::close);
            }
        }
        for (String name : rings) {
            cleanup.run(() -> {
                Ring.delete(name);
                if (Files.exists(ringFile(name)) || Files.exists(ringLockFile(name))) {
                    throw new AssertionError("ring files of " + name + " still exist after delete");
                }
            });
        }
        pools.forEach(cleanup::deletePool);
        cleanup.finish(context.getDisplayName());
    }
}
