package io.xmem.examples;

import io.xmem.launch.ChildProcess;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.tools.Idle;
import io.xmem.tools.UsageErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code examples/run pipeline}: take, modify, republish without a copy. A decoder process writes
 * frames into buffers of pool NAME and publishes references on ring NAME-decoded; a filter process
 * ({@link PipelineFilter}) retains each frame, waits until its handle is the only reference left,
 * modifies the frame in place and publishes the same buffer on ring NAME-filtered; a recorder process
 * checks that every frame arrived, in order, modified exactly once.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Frames modified in place between processes: decoder -> filter -> recorder, no copy.", "",
        "A decoder process writes frames (a repeatable picture per frame number) into buffers of pool NAME and "
            + "hands each to ring NAME-decoded by reference (send). A filter process keeps each frame past its "
            + "callback (message.retain()), waits until nobody else holds it (buffer.isExclusive(): the ring lets go "
            + "once the filter has passed the record, and poll returns), adds 1 to every 8-byte "
            + "word of it in place (buffer.writableSegment()) and publishes the same buffer on ring NAME-filtered. "
            + "A recorder process checks every frame: the picture of its number, filtered exactly once, numbers "
            + "consecutive, none missing. The pool is the flow control: the decoder waits for a buffer while every "
            + "one is somewhere in the pipeline.", ""})
final class PipelineCommand implements Callable<Integer> {
    private static final long MAX_FRAME_BYTES = 256L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5",
        description = "How long the decoder decodes (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--frame-bytes", paramLabel = "BYTES", defaultValue = "1048576",
        description = "Frame size, a multiple of 8 (default ${DEFAULT-VALUE}).")
    long frameBytes;

    @Option(names = "--buffers", paramLabel = "N", defaultValue = "16",
        description = "Frame buffers in the pool, the frames in flight at most (default ${DEFAULT-VALUE}).")
    int buffers;

    @Option(names = "--idle", paramLabel = "HOW", defaultValue = "sleep",
        description = "How the filter and the recorder wait: sleep (futex, 0%% CPU), yield or spin "
            + "(default ${DEFAULT-VALUE}).")
    Idle idle;

    @Mixin
    SharedFiles files;

    @Override
    public Integer call() {
        if (seconds <= 0 || frameBytes < Long.BYTES || frameBytes > MAX_FRAME_BYTES || frameBytes % Long.BYTES != 0
            || buffers < 2) {
            throw new ParameterException(spec.commandLine(), "--seconds must be positive, --frame-bytes a multiple of "
                + "8 from 8 to " + MAX_FRAME_BYTES + " and --buffers at least 2");
        }
        String base = files.name("pipeline");
        String decoded = base + "-decoded";
        String filtered = base + "-filtered";
        String dirArg = files.dir.toString();
        PoolConfig poolConfig = UsageErrors.configured(spec.commandLine(),
            () -> PoolConfig.builder().directory(files.dir).sizeClass(frameBytes, buffers).build());
        RingConfig ringConfig = RingConfig.builder().directory(files.dir).pool(base).capacity(64 * 1024).build();
        try (Roles roles = new Roles("pipeline", spec.commandLine().getOut());
             BufferPool pool = roles.createPool(base, poolConfig);
             Ring in = roles.createRing(decoded, ringConfig);
             Ring out = roles.createRing(filtered, ringConfig)) {
            roles.say("pipeline: %.1f s of %,d-byte frames through pool '%s' (%d buffers): decoder -> ring '%s' -> "
                + "filter (in place) -> ring '%s' -> recorder; filter and recorder %s", seconds, frameBytes,
                pool.name(), buffers, in.name(), out.name(), idle.describe());
            ChildProcess recorder = roles.start("recorder", "recorder", "--ring", filtered, "--dir", dirArg, "--idle",
                idle.name());
            roles.awaitReady(recorder);
            ChildProcess filter = roles.start("filter", "filter", "--in", decoded, "--out", filtered, "--dir", dirArg,
                "--idle", idle.name());
            roles.awaitReady(filter);
            roles.start("decoder", "decoder", "--ring", decoded, "--dir", dirArg, "--seconds",
                Double.toString(seconds), "--frame-bytes", Long.toString(frameBytes));
            boolean ok = roles.awaitAll(Duration.ofSeconds(120 + (long) seconds));
            roles.say(ok ? "OK: every frame was modified in place exactly once and reached the recorder, none copied, "
                + "none lost" : "FAILED (see above)");
            return ok ? 0 : Examples.FAILED;
        }
    }
}
