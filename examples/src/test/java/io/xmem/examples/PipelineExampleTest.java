package io.xmem.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code examples/run pipeline}: a decoder, a filter and a recorder process over two rings of one
 * pool; the filter modifies each frame in place once nobody else holds it and forwards the same
 * buffer, and the recorder verifies every frame (filtered exactly once, in order, none lost).
 */
class PipelineExampleTest {
    private final String name = ExampleRun.uniqueName("pipeline");

    @AfterEach
    void cleanUp() throws IOException {
        ExampleRun.cleanUp(name);
    }

    @Test
    void everyFrameIsModifiedInPlaceOnceAndVerified() {
        ExampleRun run = ExampleRun.of("pipeline", "--name", name, "--seconds", "2", "--frame-bytes", "65536",
            "--buffers", "8");

        assertEquals(0, run.code(), run.all());
        long frames = Long.parseLong(run.find("^\\[decoder\\] decoded (\\d+) frames of 65,536 bytes in ").group(1));
        assertTrue(frames > 0, run.all());
        run.find("^\\[filter\\] filtered " + frames + " of " + frames + " frames in place and forwarded them by "
            + "reference, none copied; \\d+ had to wait");
        run.find("^\\[recorder\\] recorded " + frames + " of " + frames + " frames: verified " + frames
            + " \\(filtered exactly once\\), bad 0, out of order 0, lost 0$");
        run.assertLatencyLine("[recorder] latency (decoder to recorder)", frames);
        run.find("^OK: every frame was modified in place exactly once and reached the recorder");
    }

    @Test
    void badOptionsAreUsageErrors() {
        ExampleRun odd = ExampleRun.of("pipeline", "--name", name, "--frame-bytes", "1001");
        assertEquals(2, odd.code(), odd.all());
        List<String> lines = odd.err().lines().toList();
        assertEquals(List.of("examples/run pipeline: --seconds must be positive, --frame-bytes a multiple of 8 from 8 "
            + "to 268435456 and --buffers at least 2", "Try 'examples/run pipeline --help' for the options."), lines,
            odd.all());

        ExampleRun help = ExampleRun.of("pipeline", "--help");
        assertEquals(0, help.code(), help.all());
        assertTrue(help.out().contains("--frame-bytes=BYTES"), help.all());
    }
}
