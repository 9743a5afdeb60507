package io.xmem.ring;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The layout documents are a contract: a Python reader written from them alone
 * (examples/python/xmem_ring_reader.py, standard library only) subscribes to a ring in another
 * process and reads inline messages and referenced buffers byte for byte. Skipped without python3.
 */
class PythonReaderTest {
    private static final Path SCRIPT = Path.of("..", "examples", "python", "xmem_ring_reader.py");
    private final String pool = "xmem-test-pypool-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final String name = "xmem-test-pyring-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private Process python;

    @AfterEach
    void cleanUp() {
        if (python != null) {
            python.destroyForcibly();
        }
        Ring.delete(name);
        BufferPool.delete(pool);
    }

    private static boolean pythonPresent() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aPythonSubscriberReadsInlineAndReferencedPayloadsFromTheLayoutAlone() throws Exception {
        assumeTrue(pythonPresent(), "python3 is not installed");
        assertTrue(Files.exists(SCRIPT), SCRIPT.toAbsolutePath().toString());
        int records = 300;
        try (BufferPool p = BufferPool.create(pool, PoolConfig.builder().sizeClass(4096, 16).build());
             Ring ring = Ring.create(name, RingConfig.builder().capacity(1 << 14).pool(pool).build());
             Publication pub = ring.publication()) {
            python = new ProcessBuilder("python3", SCRIPT.toString(), name, "--count", Integer.toString(records),
                "--timeout", "60").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(),
                StandardCharsets.UTF_8));
            String joined = out.readLine();
            assertNotNull(joined, "the reader printed nothing");
            assertTrue(joined.startsWith("joined as subscriber"), joined);
            assertEquals(1, ring.stats().subscribers().size(), "the Python process is a subscriber in the table");

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                byte[] bytes = ("message " + i + " ").repeat(1 + i % 9).getBytes(StandardCharsets.UTF_8);
                long r;
                if (i % 3 == 0) {
                    // 100 references through 16 buffers: Python releases no pins itself; an exhausted
                    // acquire has the ring drop the pins of what the reader has passed.
                    try (Buffer b = p.acquire(bytes.length + 100, Duration.ofSeconds(60))) {
                        MemorySegment s = b.segment();
                        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 100, bytes.length);
                        do {
                            r = pub.offer(b, 100, bytes.length, 1000 + i, i);
                        } while (r == Publication.BACK_PRESSURED);
                        expected.add("ref " + i + " 0x" + Long.toHexString(b.token()) + " " + bytes.length + " "
                            + crc(bytes) + " " + (1000 + i) + " " + i);
                    }
                } else {
                    do {
                        r = pub.offer(MemorySegment.ofArray(bytes));
                    } while (r == Publication.BACK_PRESSURED);
                    expected.add("inline " + i + " " + bytes.length + " " + crc(bytes));
                }
                assertTrue(r > 0, "offer " + i + ": " + r);
            }
            List<String> got = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("done")) {
                got.add(line);
            }
            assertTrue(python.waitFor(60, TimeUnit.SECONDS), "the reader exits");
            assertEquals(0, python.exitValue());
            assertEquals(expected, got, "Python saw every record, in order, byte for byte");
        }
    }

    private static String crc(byte[] bytes) {
        CRC32 c = new CRC32();
        c.update(bytes);
        return String.format("%08x", c.getValue());
    }
}
