package io.xmem.pool;

import io.xmem.pool.testing.SmallTmpfs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool's space is reserved when it is created, not promised: on a real 4 MiB tmpfs, two pools
 * of 2.5 MiB each fit alone but not together. Without the reservation both were created (the
 * free-space check saw the first one's untouched pages as free) and writing the second's
 * buffers later died with SIGBUS. Now the second create fails, saying how much is missing and
 * how to give a container more, and leaves no file; every byte of the first can be written.
 */
class SpaceReservationTest {
    private static final int BUFFER = 64 * 1024;
    private static final int COUNT = 40; // 2.5 MiB of buffers

    private static PoolConfig config(Path dir) {
        return PoolConfig.builder().directory(dir).sizeClass(BUFFER, COUNT).build();
    }

    @Test
    void theSecondPoolThatDoesNotFitFailsAtCreateAndTheFirstIsWholeToItsLastByte() throws IOException {
        try (SmallTmpfs fs = SmallTmpfs.mount(4); BufferPool first = BufferPool.create("first", config(fs.dir()))) {
            long fileLength = Files.size(first.path());
            assertTrue(fs.usable() <= fs.total() - fileLength, "the first pool's pages are taken at create, untouched");
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> BufferPool.create("second", config(fs.dir())).close());
            String message = e.getMessage();
            assertTrue(message.contains("pool 'second' needs "), message);
            assertTrue(message.contains("MiB missing"), message);
            assertTrue(message.contains("--shm-size="), message);
            assertTrue(message.contains("mount -o remount,size="), message);
            for (Path file : BufferPool.files("second", fs.dir())) {
                assertFalse(Files.exists(file), file + " was left behind");
            }
            writeAndCheckEveryByte(first);
        }
    }

    @Test
    void aPoolLargerThanTheFileSystemFailsWithTheSameAdviceAndLeavesNothing() throws IOException {
        try (SmallTmpfs fs = SmallTmpfs.mount(1)) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> BufferPool.create("large", config(fs.dir())).close());
            assertTrue(e.getMessage().contains("MiB missing"), e.getMessage());
            try (var files = Files.list(fs.dir())) {
                assertEquals(List.of(), files.toList(), "files left behind");
            }
        }
    }

    /** Acquires every buffer, fills each byte, then reads them all back: a missing page would SIGBUS. */
    private static void writeAndCheckEveryByte(BufferPool pool) {
        List<Buffer> buffers = new ArrayList<>();
        try {
            for (int i = 0; i < COUNT; i++) {
                Buffer b = pool.acquire(BUFFER);
                buffers.add(b);
                MemorySegment s = b.segment();
                for (long j = 0; j < s.byteSize(); j += Long.BYTES) {
                    s.set(ValueLayout.JAVA_LONG_UNALIGNED, j, i * 1_000_003L + j);
                }
            }
            for (int i = 0; i < COUNT; i++) {
                MemorySegment s = buffers.get(i).segment();
                for (long j = 0; j < s.byteSize(); j += Long.BYTES) {
                    assertEquals(i * 1_000_003L + j, s.get(ValueLayout.JAVA_LONG_UNALIGNED, j));
                }
            }
        } finally {
            buffers.forEach(Buffer::close);
        }
    }
}
