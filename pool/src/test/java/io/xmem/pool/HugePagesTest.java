package io.xmem.pool;

import io.xmem.pool.testing.Mappings;
import io.xmem.pool.testing.SmallTmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code PoolConfig.hugePages} and {@code prefault}, read back from the kernel
 * ({@code /proc/self/smaps} of this process and of a child that opens the pool): a pool on a tmpfs
 * mounted {@code huge=always} is mapped with 2 MiB pages, a prefaulted pool is resident in every
 * opener before it touches a buffer, and huge pages asked of a file system without them are refused
 * with the reason, leaving no file. Mounting needs root (CI runs as root); elsewhere those tests
 * are skipped with the mount's error.
 */
class HugePagesTest {
    private static final long FRAME = 8L << 20;
    private static final int FRAMES = 4;
    private static final long POOL_KIB = FRAME * FRAMES / 1024;

    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    @Test
    void aPrefaultedPoolOnAHugeTmpfsIsResidentOnHugePagesInEveryOpener() {
        try (SmallTmpfs fs = SmallTmpfs.mount(64, "huge=always");
             BufferPool pool = BufferPool.create(fx.name(), PoolConfig.builder().directory(fs.dir())
                 .sizeClass(FRAME, FRAMES).hugePages(true).prefault(true).build())) {
            Mappings mine = Mappings.of(pool.path());
            assertTrue(mine.rssKib() >= POOL_KIB, "every data page resident before any acquire: " + mine);
            assertTrue(mine.hugeKib() >= POOL_KIB - 2048, "mapped with 2 MiB pages: " + mine);

            ChildJvm child = fx.child();
            try {
                child.ok("OPENIN " + fx.name() + " " + fs.dir());
                Mappings theirs = Mappings.parse(child.ok("MAPPED"));
                assertTrue(theirs.rssKib() >= POOL_KIB, "the opener prefaulted too (the header says so): " + theirs);
                assertTrue(theirs.hugeKib() >= POOL_KIB - 2048, "on huge pages there too: " + theirs);
            } finally {
                child.close(); // before the file system is unmounted
            }
        }
    }

    @Test
    void withoutPrefaultPagesAreMappedOnlyAsTheyAreTouched() {
        try (SmallTmpfs fs = SmallTmpfs.mount(64);
             BufferPool pool = BufferPool.create(fx.name(), PoolConfig.builder().directory(fs.dir())
                 .sizeClass(FRAME, FRAMES).build())) {
            assertTrue(Mappings.of(pool.path()).rssKib() < FRAME / 1024, Mappings.of(pool.path()).toString());
            try (Buffer frame = pool.acquire(FRAME)) {
                for (long at = 0; at < FRAME; at += 4096) {
                    frame.segment().set(ValueLayout.JAVA_BYTE, at, (byte) 1);
                }
            }
            Mappings touched = Mappings.of(pool.path());
            assertTrue(touched.rssKib() >= FRAME / 1024 && touched.rssKib() < 2 * FRAME / 1024,
                "one frame's pages, as they were touched: " + touched);
        }
    }

    @Test
    void hugePagesAskedOfATmpfsWithoutThemAreRefusedWithTheWayOut() throws IOException {
        try (SmallTmpfs fs = SmallTmpfs.mount(16)) {
            PoolConfig config = PoolConfig.builder().directory(fs.dir()).sizeClass(4096, 4).hugePages(true).build();
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> BufferPool.create(fx.name(), config));
            assertTrue(e.getMessage().contains("is on tmpfs mounted at " + fs.dir().toRealPath()), e.getMessage());
            assertTrue(e.getMessage().contains("without huge=always or huge=within_size"), e.getMessage());
            assertTrue(e.getMessage().contains("mount -t tmpfs -o size=2g,huge=always"), e.getMessage());
            try (Stream<?> left = Files.list(fs.dir())) {
                assertEquals(0, left.count(), "nothing created");
            }
        }
    }

    @Test
    void theDefaultDirectoryIsJudgedTheSameWay() {
        // /dev/shm: a plain tmpfs on most systems, so refused; where it has huge pages, accepted.
        PoolConfig config = PoolConfig.builder().sizeClass(4096, 4).hugePages(true).build();
        String problem = hugePagesProblem(config);
        if (problem == null) {
            try (BufferPool pool = BufferPool.create(fx.name(), config)) {
                assertEquals(4, pool.stats().totalFree());
            }
            return;
        }
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
            () -> fx.create(config));
        assertTrue(e.getMessage().startsWith("pool '" + fx.name() + "' asks for huge pages, but "), e.getMessage());
        assertFalse(Files.exists(PoolFixture.poolFile(fx.name())));
    }

    /** What the pool's own check says about the config's directory, through a throwaway create. */
    private String hugePagesProblem(PoolConfig config) {
        try {
            String probe = fx.newName();
            BufferPool.create(probe, config).close();
            BufferPool.delete(probe);
            return null;
        } catch (InvalidConfigException e) {
            return e.getMessage();
        }
    }
}
