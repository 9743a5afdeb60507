package io.xmem.pool;

import io.xmem.pool.testing.Cleanup;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per test: unique pool names, the child JVMs and pools the test opened, and their cleanup in
 * {@code afterEach} whether the test passed or not. Children are killed, this JVM's pools
 * closed, every name's files deleted and checked gone from the pool directory; on failure each
 * child's transcript and stderr go to the test output.
 *
 * <pre>{@code
 * @RegisterExtension final PoolFixture fx = new PoolFixture();
 * BufferPool pool = fx.create(cfg);          // named fx.name()
 * ChildJvm child = fx.child();
 * }</pre>
 */
final class PoolFixture implements BeforeEachCallback, AfterEachCallback {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final List<String> names = new ArrayList<>();
    private final List<ChildJvm> children = new ArrayList<>();
    private final List<BufferPool> pools = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        newName();
    }

    /** The test's main pool name. */
    String name() {
        return names.getFirst();
    }

    /** Another unique name, cleaned up like the first. */
    String newName() {
        String name = "xmem-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
            + SEQUENCE.incrementAndGet();
        names.add(name);
        return name;
    }

    BufferPool create(PoolConfig config) {
        return track(BufferPool.create(name(), config));
    }

    BufferPool open() {
        return track(BufferPool.open(name()));
    }

    BufferPool track(BufferPool pool) {
        pools.add(pool);
        return pool;
    }

    ChildJvm child() {
        ChildJvm child = ChildJvm.start();
        children.add(child);
        return child;
    }

    /** A child that has opened the main pool; {@link ChildJvm#bit()} is its holder bit. */
    ChildJvm childInPool() {
        ChildJvm child = child();
        child.open(name());
        return child;
    }

    static Path poolFile(String name) {
        return PoolConfig.DEFAULT_DIRECTORY.resolve(name + ".pool");
    }

    static Path lockFile(String name) {
        return PoolConfig.DEFAULT_DIRECTORY.resolve(name + ".pool.lock");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Cleanup cleanup = new Cleanup();
        cleanup.closeChildren(children, context.getExecutionException().isPresent());
        pools.forEach(pool -> cleanup.run(pool::close));
        names.forEach(cleanup::deletePool);
        cleanup.finish(context.getDisplayName());
    }
}
