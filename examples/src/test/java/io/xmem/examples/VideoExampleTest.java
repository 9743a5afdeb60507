package io.xmem.examples;

import io.xmem.tools.TestPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code examples/run video}: a producer and two subscriber processes; every frame verified in
 * place, PNGs written from frames kept past their callback.
 */
class VideoExampleTest {
    private final String name = ExampleRun.uniqueName("video");

    @TempDir
    Path pngs;

    @AfterEach
    void cleanUp() throws IOException {
        ExampleRun.cleanUp(name);
    }

    @Test
    void everyFrameIsVerifiedAndSomeAreWrittenAsPng() throws IOException {
        ExampleRun run = ExampleRun.of("video", "--name", name, "--seconds", "3", "--fps", "30", "--buffers", "8",
            "--png-every", "30", "--png-dir", pngs.toString());

        assertEquals(0, run.code(), run.all());
        Matcher published = run.find("^\\[producer\\] published (\\d+) frames of 1920x1080 RGB in [\\d.]+ s: [\\d.]+ "
            + "frames/s, [\\d.]+ MiB/s by reference");
        long frames = Long.parseLong(published.group(1));
        assertTrue(frames > 0, run.all());
        run.find("^\\[stats\\] received " + frames + " of " + frames + " frames, verified " + frames
            + ", bad 0, out of order 0; [\\d.]+ frames/s, [\\d.]+ MiB/s read in place");
        run.assertLatencyLine("[stats] handoff latency (publish to receive)", frames);
        Matcher written = run.find("^\\[png\\] wrote (\\d+) PNGs of " + frames + " frames to ");
        assertTrue(Integer.parseInt(written.group(1)) >= 1, run.all());
        run.find("^OK: every frame reached both subscribers");

        List<Path> files;
        try (Stream<Path> list = Files.list(pngs)) {
            files = list.sorted().toList();
        }
        assertEquals(Integer.parseInt(written.group(1)), files.size(), files.toString());
        Path last = files.getLast();
        long frame = Long.parseLong(last.getFileName().toString().replaceAll("\\D", ""));
        assertEquals(0, frame % 30, last.toString());
        BufferedImage image = ImageIO.read(last.toFile());
        byte[] row = new byte[TestPattern.ROW_BYTES];
        for (int y : new int[] {0, 517, TestPattern.HEIGHT - 1}) {
            TestPattern.row(frame, y, row);
            for (int x = 0; x < TestPattern.WIDTH; x += 97) {
                int expected = (row[3 * x] & 0xFF) << 16 | (row[3 * x + 1] & 0xFF) << 8 | (row[3 * x + 2] & 0xFF);
                assertEquals(expected, image.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y + " of " + last);
            }
        }
    }
}
