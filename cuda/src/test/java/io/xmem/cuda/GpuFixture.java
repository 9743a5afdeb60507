package io.xmem.cuda;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.testing.Cleanup;
import io.xmem.pool.testing.LineChildJvm;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per GPU test: a unique pool name, the {@link DeviceChild} JVMs and pools it opened, and their
 * cleanup in {@code afterEach} whether the test passed or not (children killed, pools closed,
 * files deleted and checked gone).
 */
final class GpuFixture implements AfterEachCallback {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String name = "xmem-test-gpu-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
        + SEQUENCE.incrementAndGet();
    private final List<Child> children = new ArrayList<>();
    private final List<BufferPool> pools = new ArrayList<>();

    /** A child JVM running {@link DeviceChild}. */
    static final class Child extends LineChildJvm {
        Child() {
            super(DeviceChild.class, List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED"));
        }
    }

    String name() {
        return name;
    }

    BufferPool create(PoolConfig config) {
        BufferPool pool = BufferPool.create(name, config);
        pools.add(pool);
        return pool;
    }

    /** A child that has opened the test's pool. */
    Child childInPool() {
        Child child = new Child();
        children.add(child);
        child.ok("OPEN " + name);
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
        cleanup.deletePool(name);
        cleanup.finish(context.getDisplayName());
    }
}
