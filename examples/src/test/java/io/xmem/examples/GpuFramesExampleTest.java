package io.xmem.examples;

import io.xmem.cuda.Cuda;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code examples/run gpu-frames}: without a GPU it says why and fails cleanly; with one (gpu/run
 * runs the example itself there) every frame of both modes checks out on the device.
 */
class GpuFramesExampleTest {
    @Test
    void withoutAGpuItSaysWhyAndFails() {
        assumeTrue(!Cuda.isAvailable(), "this machine has a GPU");
        ExampleRun run = ExampleRun.of("gpu-frames", "--frames", "10");
        assertEquals(1, run.code(), run.all());
        assertTrue(run.err().contains("gpu-frames needs a CUDA GPU: "), run.all());
    }

    @Test
    void badOptionsAreUsageErrors() {
        ExampleRun mode = ExampleRun.of("gpu-frames", "--mode", "teleport");
        assertEquals(2, mode.code(), mode.all());
        assertTrue(mode.err().contains("--mode is both, ipc or copy"), mode.all());
        ExampleRun frames = ExampleRun.of("gpu-frames", "--frames", "many");
        assertEquals(2, frames.code(), frames.all());
        ExampleRun help = ExampleRun.of("gpu-frames", "--help");
        assertEquals(0, help.code(), help.all());
        assertTrue(help.out().contains("--breakdown"), help.all());
    }

    @Test
    void onAGpuEveryFrameChecksOutBothWays() {
        assumeTrue(Cuda.isAvailable(), () -> "no CUDA GPU here: " + Cuda.unavailableReason().orElse("?"));
        ExampleRun run = ExampleRun.of("gpu-frames", "--frames", "200", "--width", "640", "--height", "480");
        assertEquals(0, run.code(), run.all());
        for (String mode : new String[] {"ipc", "copy"}) {
            Matcher m = run.find("^" + mode + " +frames=200 wrong=0 fps=(\\d+)");
            assertTrue(Long.parseLong(m.group(1)) > 0, run.all());
        }
    }
}
