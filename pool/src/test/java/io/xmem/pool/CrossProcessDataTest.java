package io.xmem.pool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.xmem.pool.ChildJvm.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The bytes of a buffer are the same bytes in every process: written in one, read in another. */
class CrossProcessDataTest {
    private static final long SMALL = 3_000;
    private static final long LARGE = 3L * 1024 * 1024 + 5;

    @RegisterExtension
    final PoolFixture fx = new PoolFixture();

    private static PoolConfig config() {
        return PoolConfig.builder().sizeClass(8 * 1024, 8).sizeClass(4 << 20, 4).build();
    }

    @Test
    void bytesWrittenHereAreReadInTheChildAndBack() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        for (long size : new long[] {SMALL, LARGE}) {
            try (Buffer b = pool.acquire(size)) {
                String token = hex(b.token());
                long crc = Patterns.fill(b.segment(), size);
                assertNotEquals(Patterns.expectedCrc(size, size + 1), crc, "the two patterns must differ");

                assertEquals(Long.toString(size), child.ok("ATTACH " + token), "the child sees the length asked for");
                assertEquals(hex(crc), child.ok("CRC " + token), "the child reads the bytes written here");

                // The child overwrites the buffer; this process sees it through its own mapping.
                String childCrc = child.ok("FILL " + token + " " + (size + 1));
                assertEquals(hex(Patterns.expectedCrc(size, size + 1)), childCrc);
                assertEquals(childCrc, hex(Patterns.crc(b.segment())), "bytes written by the child are read here");
                child.ok("CLOSE " + token);
            }
        }
        assertEquals(pool.stats().totalBuffers(), pool.stats().totalFree());
    }

    @Test
    void bytesWrittenInTheChildAreReadHere() {
        BufferPool pool = fx.create(config());
        ChildJvm child = fx.childInPool();
        for (long size : new long[] {SMALL, LARGE}) {
            String token = child.ok("ACQUIRE " + size);
            String childCrc = child.ok("FILL " + token + " " + (7 * size));
            assertEquals(hex(Patterns.expectedCrc(size, 7 * size)), childCrc);
            try (Buffer b = pool.attach(ChildJvm.token(token))) {
                assertEquals(size, b.length());
                assertEquals(size, b.segment().byteSize());
                assertEquals(childCrc, hex(Patterns.crc(b.segment())));
                child.ok("CLOSE " + token);
                // The child let go; our reference keeps the bytes.
                assertEquals(childCrc, hex(Patterns.crc(b.segment())));
            }
        }
        assertEquals(pool.stats().totalBuffers(), pool.stats().totalFree());
    }
}
