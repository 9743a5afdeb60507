package io.xmem.examples;

import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.tools.XmemCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python reader from the command line, without Java of one's own: it reads a ring made by
 * {@code xmem create ring} (issue 15, item 9), and a ring that is not there is one line and exit 1, not a
 * traceback (defect 7).
 */
class PythonReaderCliTest {
    private static final Path SCRIPT = Path.of("python", "xmem_ring_reader.py");
    private static final int MESSAGES = 5;

    @TempDir
    Path dir;

    private final String name = ExampleRun.uniqueName("pycli");
    private Process python;

    @AfterEach
    void cleanUp() {
        if (python != null) {
            python.destroyForcibly();
        }
        Ring.delete(name, dir);
    }

    @Test
    void aMissingRingIsOneLineAndExit1() throws Exception {
        assumeTrue(ExampleRun.pythonOnPath(), "python3 is not installed");
        python = new ProcessBuilder("python3", SCRIPT.toString(), name, "--dir", dir.toString())
            .redirectErrorStream(true).start();
        assertTrue(python.waitFor(60, TimeUnit.SECONDS), "the reader exits");
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, python.exitValue(), out);
        assertEquals("xmem_ring_reader: no ring file '" + name + ".ring' in " + dir + ": check the name ('./xmem ls "
            + dir + "' lists them) or pass --dir\n", out);
        assertFalse(out.contains("Traceback"), out);
    }

    @Test
    void theReaderReadsARingMadeByXmemCreate() throws Exception {
        assumeTrue(ExampleRun.pythonOnPath(), "python3 is not installed");
        assertEquals(0, XmemCli.commandLine().execute("create", "ring", name, "--capacity", "64KiB", "--dir",
            dir.toString()));
        python = new ProcessBuilder("python3", SCRIPT.toString(), name, "--dir", dir.toString(), "--count",
            Integer.toString(MESSAGES), "--timeout", "60").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(python.getInputStream(),
            StandardCharsets.UTF_8));
        String joined = lines.readLine(); // joined: what is published from now on reaches it
        assertTrue(joined != null && joined.startsWith("joined as subscriber 0"), String.valueOf(joined));

        try (Ring ring = Ring.open(name, dir); Publication publication = ring.publication()) {
            for (int i = 0; i < MESSAGES; i++) {
                assertTrue(publication.offer(MemorySegment.ofArray(new byte[] {1, 2, 3, (byte) i})) > 0);
            }
        }
        assertTrue(python.waitFor(60, TimeUnit.SECONDS), "the reader finishes");
        String rest = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, python.exitValue(), rest);
        assertEquals(MESSAGES, rest.lines().filter(l -> l.matches("inline \\d+ 4 [0-9a-f]{8}")).count(), rest);
        assertTrue(rest.contains("done " + MESSAGES + " records"), rest);
    }
}
