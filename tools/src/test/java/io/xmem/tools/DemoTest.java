package io.xmem.tools;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code xmem demo} in this JVM; it starts a real producer JVM and two real subscriber JVMs. */
class DemoTest {
    private static final Path SHM = Path.of("/dev/shm");

    @Test
    void bothSubscribersVerifyEveryRecordAndNothingIsLeftBehind() throws IOException {
        CliRun run = CliRun.of("demo", "--buffers", "200", "--frame-size", "1048576");

        assertEquals(0, run.code(), run.all());
        // 200 buffers, every 4th a frame followed by an inline message: 250 records.
        Matcher published = find(run, "published\\s+(\\d+) of (\\d+) records: 200 buffers by reference");
        assertEquals("250", published.group(1), run.all());
        assertEquals("250", published.group(2), run.all());
        for (int i = 1; i <= 2; i++) {
            Matcher sub = find(run, "subscriber " + i + "\\s+pid \\d+: checksums verified (\\d+) of (\\d+) records "
                + "\\((\\d+) references, (\\d+) inline\\),\\s+\\S+ \\S+ read in place; (\\d+) mismatched, (\\d+) lost");
            assertEquals("250", sub.group(1), "subscriber " + i + " verified\n" + run.all());
            assertEquals("250", sub.group(2), run.all());
            assertEquals("200", sub.group(3), "subscriber " + i + " references\n" + run.all());
            assertEquals("50", sub.group(4), "subscriber " + i + " inline\n" + run.all());
            assertEquals("0", sub.group(5), "subscriber " + i + " mismatches\n" + run.all());
            assertEquals("0", sub.group(6), "subscriber " + i + " lost\n" + run.all());
        }
        Matcher free = find(run, "pool at the end\\s+(\\d+) of (\\d+) buffers free");
        assertEquals(free.group(2), free.group(1), run.all());
        assertEquals("72", free.group(2), "64 small + 8 frames\n" + run.all());
        assertTrue(run.out().contains("1 MiB"), run.all());
        assertTrue(run.out().contains("OK: every record reached both subscribers intact"), run.all());

        String name = find(run, "pool\\s+'(xmem-demo-[^']+)'").group(1);
        assertEquals(name, find(run, "ring\\s+'(xmem-demo-[^']+)'").group(1), run.all());
        try (Stream<Path> files = Files.list(SHM)) {
            List<Path> left = files.filter(f -> f.getFileName().toString().startsWith(name + ".")).toList();
            assertEquals(List.of(), left, "files of pool and ring '" + name + "' left in " + SHM);
        }
    }

    @Test
    void aFrameThatFitsTheSmallClassIsAUsageError() {
        CliRun run = CliRun.of("demo", "--frame-size", "4096");

        assertEquals(2, run.code(), run.all());
        assertTrue(run.err().contains("--frame-size must be more than 4 KiB"), run.all());
        assertTrue(run.err().endsWith("Try 'xmem demo --help' for the options.\n"), run.all());
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
