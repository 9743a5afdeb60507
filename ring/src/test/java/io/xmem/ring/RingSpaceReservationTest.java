package io.xmem.ring;

import io.xmem.pool.BufferPool;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.testing.SmallTmpfs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ring's space is reserved when it is created, as a pool's is: on a real 4 MiB tmpfs holding a
 * 2.5 MiB pool, a 2 MiB ring (which would fit alone) is refused at create with the advice, and
 * leaves no file; the pool is untouched.
 */
class RingSpaceReservationTest {
    @Test
    void aRingThatDoesNotFitBesideItsPoolFailsAtCreateAndLeavesNothing() throws IOException {
        try (SmallTmpfs fs = SmallTmpfs.mount(4);
             BufferPool pool = BufferPool.create("pool", PoolConfig.builder().directory(fs.dir())
                 .sizeClass(64 * 1024, 40).build())) {
            RingConfig config = RingConfig.builder().directory(fs.dir()).pool("pool").capacity(2 << 20).build();
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> Ring.create("ring", config).close());
            assertTrue(e.getMessage().contains("ring 'ring' needs "), e.getMessage());
            assertTrue(e.getMessage().contains("MiB missing"), e.getMessage());
            assertTrue(e.getMessage().contains("--shm-size="), e.getMessage());
            for (Path file : Ring.files("ring", fs.dir())) {
                assertFalse(Files.exists(file), file + " was left behind");
            }
            pool.acquire(64 * 1024).close(); // the pool is still whole and usable
        }
    }
}
