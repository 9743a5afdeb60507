package io.xmem.archive;

import io.xmem.archive.internal.ArchiveAccess;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.testing.Cleanup;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Per test: ring directories under {@code /dev/shm}, archive directories under the temp directory,
 * child JVMs and this JVM's handles, and their removal in {@code afterEach} whether the test passed
 * or not: children killed, handles closed, the Aeron directories killed children left deleted, every
 * directory removed. On failure each child's transcript goes to the test output.
 *
 * <pre>{@code
 * @RegisterExtension final ArchiveFixture fx = new ArchiveFixture();
 * ArchiveFixture.Host a = fx.host("a");          // pool "frames" and ring "md" in a directory of their own
 * ArchiveConfig archive = fx.archive();          // an empty archive directory
 * ArchiveChildJvm recorder = fx.child();
 * }</pre>
 */
final class ArchiveFixture implements AfterEachCallback {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final List<Path> directories = new ArrayList<>();
    private final List<ArchiveChildJvm> children = new ArrayList<>();
    private final List<AutoCloseable> handles = new ArrayList<>();

    /** A pool with a class for every kind of test record and a ring on it, in their own directory. */
    record Host(Path directory, String ringName, BufferPool pool, Ring ring) {
    }

    private static String unique(String label) {
        return "xmem-test-archive-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-" + label;
    }

    Host host(String label) throws IOException {
        return host(label, RingConfig.builder().capacity(1 << 20));
    }

    /** A host whose ring is built from {@code ring} (capacity, lossy...) plus its directory and pool. */
    Host host(String label, RingConfig.Builder ring) throws IOException {
        Path dir = PoolConfig.DEFAULT_DIRECTORY.resolve(unique(label));
        directories.add(dir);
        Files.createDirectories(dir);
        BufferPool pool = track(BufferPool.create("frames", Records.poolConfig(dir)));
        Ring r = track(Ring.create("md", ring.directory(dir).pool("frames").build()));
        return new Host(dir, "md", pool, r);
    }

    /** A fresh, empty archive directory of its own, served by an embedded archive. */
    ArchiveConfig archive() throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir")).resolve(unique("archive"));
        directories.add(dir);
        Files.createDirectories(dir);
        return ArchiveConfig.builder().directory(dir).build();
    }

    <T extends AutoCloseable> T track(T handle) {
        handles.add(handle);
        return handle;
    }

    ArchiveChildJvm child() {
        ArchiveChildJvm child = ArchiveChildJvm.start();
        children.add(child);
        return child;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        Cleanup cleanup = new Cleanup();
        cleanup.closeChildren(children, failed);
        for (ArchiveChildJvm child : children) {
            cleanup.run(() -> deleteAeronDirectories(child.pid())); // what a killed child could not remove
        }
        for (AutoCloseable handle : handles.reversed()) {
            cleanup.run(handle::close);
        }
        for (Path dir : directories) {
            cleanup.run(() -> deleteTree(dir));
        }
        cleanup.finish(context.getDisplayName());
    }

    static void deleteAeronDirectories(long pid) throws IOException {
        File[] left = new File("/dev/shm").listFiles((d, n) -> n.startsWith(ArchiveAccess.EMBEDDED_PREFIX + pid + "-"));
        for (File f : left == null ? new File[0] : left) {
            deleteTree(f.toPath());
        }
    }

    static boolean hasAeronDirectory(long pid) {
        File[] left = new File("/dev/shm").listFiles((d, n) -> n.startsWith(ArchiveAccess.EMBEDDED_PREFIX + pid + "-"));
        return left != null && left.length > 0;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
