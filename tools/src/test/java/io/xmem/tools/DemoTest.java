package io.xmem.tools;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code xmem demo} in this JVM; it starts a real producer JVM and a real consumer JVM. */
class DemoTest {
    private static final Path SHM = Path.of("/dev/shm");

    @Test
    void everyBufferArrivesIntactAndThePoolIsGoneAfterwards() {
        CliRun run = CliRun.of("demo", "--buffers", "200", "--frame-size", "1048576");

        assertEquals(0, run.code(), run.all());
        Matcher verified = find(run, "checksums verified\\s+(\\d+) of (\\d+)");
        assertEquals("200", verified.group(1), run.all());
        assertEquals("200", verified.group(2), run.all());
        assertEquals("0", find(run, "mismatches\\s+(\\d+)").group(1), run.all());
        Matcher free = find(run, "pool at the end\\s+(\\d+) of (\\d+) buffers free");
        assertEquals(free.group(2), free.group(1), run.all());
        assertEquals("72", free.group(2), "64 small + 8 frames\n" + run.all());
        assertTrue(run.out().contains("1 MiB"), run.all());

        String pool = find(run, "pool\\s+'(xmem-demo-[^']+)'").group(1);
        assertFalse(Files.exists(SHM.resolve(pool + ".pool")), pool + ".pool left in /dev/shm");
        assertFalse(Files.exists(SHM.resolve(pool + ".pool.lock")), pool + ".pool.lock left in /dev/shm");
    }

    @Test
    void aFrameThatFitsTheSmallClassIsAUsageError() {
        CliRun run = CliRun.of("demo", "--frame-size", "4096");

        assertEquals(2, run.code(), run.all());
        assertTrue(run.err().contains("--frame-size must be more than 4 KiB"), run.all());
        assertTrue(run.err().contains("Usage: xmem demo"), run.all());
    }

    @Test
    void aSizeWithAUnitIsAccepted() {
        assertEquals(8L << 20, Bytes.parse("8MiB"));
        assertEquals(24L << 20, Bytes.parse("24m"));
        assertEquals(1048576, Bytes.parse("1048576"));
        assertEquals("8 MiB", Bytes.format(8L << 20));
        assertEquals("3.9 GiB", Bytes.format(500L * (8L << 20) - 1));
    }

    private static Matcher find(CliRun run, String regex) {
        Matcher m = Pattern.compile(regex).matcher(run.out());
        assertTrue(m.find(), "no match for /" + regex + "/ in\n" + run.all());
        return m;
    }
}
