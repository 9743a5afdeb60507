package io.xmem.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The layout is a contract: {@code examples/python/xmem_ring_reader.py --video}, standard library
 * only, subscribes to the running video example's ring and checks sampled rows of each frame
 * against the test pattern, and the frame order. Skipped without python3.
 */
class PythonVideoReaderTest {
    private static final Path SCRIPT = Path.of("python", "xmem_ring_reader.py");
    private static final int FRAMES = 30;

    private final String name = ExampleRun.uniqueName("pyvideo");
    private Process python;

    @TempDir
    Path pngs;

    @AfterEach
    void cleanUp() throws IOException {
        if (python != null) {
            python.destroyForcibly();
        }
        ExampleRun.cleanUp(name);
    }

    @Test
    void aPythonSubscriberChecksTheFramesOfTheRunningVideoExample() throws Exception {
        assumeTrue(ExampleRun.pythonOnPath(), "python3 is not installed");
        assertTrue(Files.exists(SCRIPT), SCRIPT.toAbsolutePath().toString());
        CompletableFuture<ExampleRun> video = CompletableFuture.supplyAsync(() -> ExampleRun.of("video", "--name", name,
            "--seconds", "6", "--fps", "30", "--buffers", "8", "--png-every", "1000", "--png-dir", pngs.toString()));
        Path ring = ExampleRun.SHM.resolve(name + ".ring");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ring) && !video.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(ring), "the video example made no ring: " + (video.isDone() ? video.get().all() : ""));

        python = new ProcessBuilder("python3", SCRIPT.toString(), name, "--video", "--count", Integer.toString(FRAMES),
            "--timeout", "60").redirectErrorStream(true).start();
        assertTrue(python.waitFor(90, TimeUnit.SECONDS), "the Python reader finishes");
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ExampleRun run = video.get(120, TimeUnit.SECONDS);

        assertEquals(0, python.exitValue(), out + "\n" + run.all());
        assertTrue(out.contains("video: " + FRAMES + " frames checked (10 rows each at most), 0 bad, 0 out of order"),
            out);
        assertEquals(FRAMES, out.lines().filter(l -> l.matches("frame \\d+ ok")).count(), out);
        assertEquals(0, run.code(), run.all());
    }
}
