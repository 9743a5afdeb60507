package io.xmem.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names that could escape the pool directory, configurations that cannot work, file modes. */
class NamesConfigPermissionsTest {
    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    private static PoolConfig config() {
        return PoolConfig.builder().sizeClass(4096, 2).build();
    }

    @ParameterizedTest(name = "name \"{0}\"")
    @NullSource
    @ValueSource(strings = {"../x", "a/b", "", "..", "x..y", ".hidden", "-flag", "a b", "a\u0000b", "/etc/passwd", "ü"})
    void badNamesAreRefusedEverywhere(String name) {
        assertThrows(InvalidNameException.class, () -> BufferPool.create(name, config()));
        assertThrows(InvalidNameException.class, () -> BufferPool.open(name));
        assertThrows(InvalidNameException.class, () -> BufferPool.delete(name));
    }

    @Test
    void namesAreAtMost200Characters() {
        String base = fx.name();
        String longest = base + "x".repeat(200 - base.length());
        assertThrows(InvalidNameException.class, () -> BufferPool.create(longest + "y", config()));
        assertThrows(InvalidNameException.class, () -> BufferPool.open(longest + "y"));
        try (BufferPool pool = BufferPool.create(longest, config())) {
            assertEquals(longest, pool.name());
        } finally {
            assertTrue(BufferPool.delete(longest));
        }
        assertFalse(Files.exists(PoolFixture.poolFile(longest)));
    }

    @Test
    void badConfigurationsAreRefused() {
        List<Executable> bad = List.of(
            () -> PoolConfig.builder().sizeClass(0, 1),
            () -> PoolConfig.builder().sizeClass(-4096, 1),
            () -> PoolConfig.builder().sizeClass(4096, 0),
            () -> PoolConfig.builder().sizeClass(4096, -1),
            () -> PoolConfig.builder().build(),
            () -> PoolConfig.builder().sizeClass(4096, 1).sizeClass(4096, 2).build(),
            () -> PoolConfig.builder().sizeClass(64, PoolConfig.MAX_SLOTS).sizeClass(128, 1).build(),
            () -> {
                var b = PoolConfig.builder();
                for (int i = 1; i <= PoolConfig.MAX_SIZE_CLASSES + 1; i++) {
                    b.sizeClass(i * 64L, 1);
                }
                b.build();
            },
            () -> PoolConfig.builder().alignment(0),
            () -> PoolConfig.builder().alignment(4),
            () -> PoolConfig.builder().alignment(48),
            () -> PoolConfig.builder().alignment(PoolConfig.PAGE_SIZE * 2),
            () -> PoolConfig.builder().maxParticipants(0),
            () -> PoolConfig.builder().maxParticipants(PoolConfig.MAX_PARTICIPANTS + 1),
            () -> PoolConfig.builder().directory(null),
            () -> PoolConfig.builder().permissions("r--------"),
            () -> PoolConfig.builder().permissions("-w-------"),
            () -> PoolConfig.builder().permissions("rw-rw-rwz"),
            () -> PoolConfig.builder().permissions("rw"),
            () -> PoolConfig.builder().permissions((Set<PosixFilePermission>) null));
        for (int i = 0; i < bad.size(); i++) {
            assertThrows(InvalidConfigException.class, bad.get(i), "bad configuration #" + i);
        }
    }

    @Test
    void poolsThatCannotBeBuiltAreRefusedWithoutLeavingFiles() {
        String name = fx.name();
        // Regions beyond 2^63 bytes.
        assertThrows(InvalidConfigException.class, () -> BufferPool.create(name,
            PoolConfig.builder().sizeClass(Long.MAX_VALUE / 4, 8).build()));
        // Far more than the RAM file system holds.
        assertThrows(InvalidConfigException.class, () -> BufferPool.create(name,
            PoolConfig.builder().sizeClass(1L << 40, 1 << 12).build()));
        // A directory that does not exist.
        assertThrows(InvalidConfigException.class, () -> BufferPool.create(name,
            PoolConfig.builder().sizeClass(4096, 1).directory(Path.of("/dev/shm/xmem-test-no-such-dir")).build()));
        assertFalse(Files.exists(PoolFixture.poolFile(name)), "no pool file is left behind");
        assertFalse(Files.exists(PoolFixture.lockFile(name)), "no lock file is left behind");
        // And the name is still free.
        fx.create(config()).close();
    }

    @Test
    void filesAreOwnerOnlyByDefault() throws Exception {
        fx.create(config());
        assertEquals("rw-------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(PoolFixture.poolFile(fx.name()))));
        assertEquals("rw-------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(PoolFixture.lockFile(fx.name()))));
    }

    @Test
    void configuredPermissionsAreHonouredDespiteTheUmask() throws Exception {
        // Group write is what a typical umask (022) strips; the pool must set it anyway.
        fx.create(PoolConfig.builder().sizeClass(4096, 2).permissions("rw-rw----").build());
        assertEquals("rw-rw----",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(PoolFixture.poolFile(fx.name()))));
        assertEquals("rw-rw----",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(PoolFixture.lockFile(fx.name()))));
    }

    @Test
    void aSecondCreateOfOneNameIsRefused() {
        try (BufferPool pool = fx.create(config())) {
            assertThrows(PoolExistsException.class, () -> BufferPool.create(fx.name(), config()));
            assertEquals(2, pool.stats().totalFree(), "the existing pool is untouched");
        }
    }
}
