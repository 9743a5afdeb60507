package io.xmem.examples;

import io.xmem.examples.gpu.GpuFrames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code examples/run gpu-frames}: GPU frames through device buffers against the copying
 * baseline ({@link GpuFrames}, which also runs on its own where picocli is absent: gpu/run).
 */
@Command(name = "gpu-frames",
    description = {"GPU frames across processes: a producer renders test-pattern frames on the GPU, a consumer "
        + "process checks each on the GPU; first by reference (pool device buffers, CUDA IPC), then through the "
        + "copying baseline (device -> host -> device). Needs a CUDA GPU (exit 1 without one).",
        "Options: --frames N, --width W, --height H, --mode both|ipc|copy, --breakdown (see --help)."})
final class GpuFramesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return GpuFrames.run(spec.commandLine().getOut(), spec.commandLine().getErr(), args.toArray(String[]::new));
    }
}
