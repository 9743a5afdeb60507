package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The file formats, byte for byte: a pool and a ring made by a fixed sequence of calls are
 * compared with files the same sequence made before the code was restructured (test resources
 * under {@code golden/}). Only fields that differ by nature between runs are masked: ids drawn at
 * random, pids and wall-clock times. Any other byte that moves is a format change, which needs a
 * new layout version. Run with {@code -Dxmem.golden.write=true} to write the files again, and
 * only for a deliberate format change (the last: ring layout version 3, the last reference end at
 * 784; before it, layout version 2 of pools and rings).
 */
class FileFormatGoldenTest {
    private static final Path DIR = PoolConfig.DEFAULT_DIRECTORY;
    // Unique names of a fixed length: the pool's name is stored in the ring (and masked there).
    private final String pool = "xmem-test-golden-pool-" + HexFormat.of().toHexDigits(System.nanoTime());
    private final String ring = "xmem-test-golden-ring-" + HexFormat.of().toHexDigits(System.nanoTime());

    @AfterEach
    void cleanUp() {
        Ring.delete(ring);
        BufferPool.delete(pool);
    }

    @Test
    void poolAndRingFilesAreByteIdenticalToTheGoldenOnes() throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        PoolConfig poolConfig = PoolConfig.builder().sizeClass(64, 4).sizeClass(256, 2).maxParticipants(3)
            .alignment(64).build();
        RingConfig ringConfig = RingConfig.builder().capacity(4096).pool(pool).maxSubscribers(2).build();
        try (BufferPool p = BufferPool.create(pool, poolConfig);
             Ring r = Ring.create(ring, ringConfig);
             Subscription sub = r.subscription();
             Publication pub = r.publication()) {
            for (int i = 0; i < 40; i++) { // past the end of the log once: a padding record
                byte[] text = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                assertTrue(pub.offer(MemorySegment.ofArray(text)) > 0);
                if (i % 7 == 3) {
                    try (Buffer b = p.acquire(40 + i)) {
                        b.segment().fill((byte) i);
                        assertTrue(pub.offer(b, 2, 30, 1000 + i, i) > 0);
                    }
                }
                assertTrue(pub.tryClaim(12) > 0);
                pub.claimed().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x0102030405060708L * i);
                pub.commit();
                if (i % 5 == 4) {
                    while (sub.poll(m -> { }, 3) > 0) {
                        // the subscriber moves, and releases what it passed
                    }
                }
            }
            Buffer held = p.acquire(200); // a buffer held by this process while the files are read
            held.segment().fill((byte) 0x5A);
            files.put("open.pool", masked(readPool(), Kind.POOL));
            files.put("open.ring", masked(readRing(), Kind.RING));
            held.close();
        }
        files.put("closed.pool", masked(readPool(), Kind.POOL));
        files.put("closed.ring", masked(readRing(), Kind.RING));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            check(f.getKey(), f.getValue());
        }
    }

    private byte[] readPool() throws IOException {
        return Files.readAllBytes(DIR.resolve(pool + ".pool"));
    }

    private byte[] readRing() throws IOException {
        return Files.readAllBytes(DIR.resolve(ring + ".ring"));
    }

    private enum Kind { POOL, RING }

    /** Zeroes the fields that differ between runs by nature (random ids, pids, clock times). */
    private byte[] masked(byte[] bytes, Kind kind) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (kind == Kind.POOL) {
            zero(b, 32, 8); // pool id
            zero(b, 40, 8); // creator pid
            zero(b, 48, 8); // creation time
            int participants = b.getInt(60);
            long table = b.getLong(72);
            for (int i = 0; i < participants; i++) {
                long entry = table + 128L * i;
                zero(b, entry + 8, 24); // pid, process start time, joined time
                zero(b, entry + 32, 48); // label: the test JVM's main class, which the test runner picks
            }
        } else {
            zero(b, 48, 8); // ring id
            zero(b, 56, 8); // pool id
            zero(b, 64, 8); // creator pid
            zero(b, 72, 8); // creation time
            zero(b, 128, b.getInt(80)); // pool name: unique per run, of a fixed length
            zero(b, 896, 8); // publisher pid
            for (int k = 0; k < 65; k++) {
                zero(b, 1408 + 64L * k + 4, 52); // publication table: label length, pid, label
            }
            int subscribers = b.getInt(40);
            long table = b.getLong(88);
            for (int i = 0; i < subscribers; i++) {
                zero(b, table + 128L * i + 4, 52); // subscriber label length, pid, label
            }
        }
        return bytes;
    }

    private static void zero(ByteBuffer b, long at, int length) {
        for (int i = 0; i < length; i++) {
            b.put((int) at + i, (byte) 0);
        }
    }

    private void check(String name, byte[] actual) throws IOException {
        String resource = "/golden/" + name;
        if (Boolean.getBoolean("xmem.golden.write")) {
            Path out = Path.of("src/test/resources/golden").resolve(name);
            Files.createDirectories(out.getParent());
            Files.write(out, actual);
            return;
        }
        byte[] expected;
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource " + resource);
            expected = in.readAllBytes();
        }
        assertEquals(expected.length, actual.length, name + ": file length");
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                fail(name + ": first differing byte at offset " + i + ": expected "
                    + around(expected, i) + " but was " + around(actual, i));
            }
        }
    }

    private static String around(byte[] bytes, int at) {
        int from = Math.max(0, at - 8);
        int to = Math.min(bytes.length, at + 8);
        return HexFormat.ofDelimiter(" ").formatHex(bytes, from, to);
    }
}
