package io.xmem.examples;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code examples/run video}: a producer renders 1080p RGB frames into pool buffers and publishes
 * 64-byte references; one subscriber verifies every frame in place and computes statistics, another
 * writes every Nth frame as a PNG. No frame is copied between processes.
 */
@Command(name = "video", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"1920x1080 RGB frames handed between processes by reference.", "",
        "A producer process renders a moving test pattern (every byte a function of x, y and the frame number) into "
            + "buffers of pool NAME and publishes a reference to each on ring NAME, with its publish time and frame "
            + "number. A 'stats' process checks every row of every frame in place and the frame order, and prints "
            + "per-frame statistics; a 'png' process writes every Nth frame as a PNG. At the end each prints "
            + "frames/s, the handoff latency (publish to receive, System.nanoTime being one clock for every "
            + "process on Linux) and the bytes moved without a copy.", ""})
final class VideoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5", description = "How long to produce (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--fps", paramLabel = "N", defaultValue = "60",
        description = "Frames per second; 0: as fast as the subscribers take them (default ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--buffers", paramLabel = "N", defaultValue = "16",
        description = "Frame buffers in the pool, 6,220,800 bytes each (default ${DEFAULT-VALUE}).")
    int buffers;

    @Option(names = "--png-every", paramLabel = "N", defaultValue = "60",
        description = "Write frames 0, N, 2N, ... as PNG (default ${DEFAULT-VALUE}).")
    int pngEvery;

    @Option(names = "--png-dir", paramLabel = "DIR",
        description = "Where the PNGs go (default: xmem-video-frames in the temporary directory).")
    Path pngDir;

    @Option(names = "--idle", paramLabel = "HOW", defaultValue = "sleep",
        description = "How the subscribers wait: sleep (futex, 0% CPU), yield or spin (default ${DEFAULT-VALUE}).")
    Idle idle;


    @Mixin
    SharedFiles files;

    @Override
    public Integer call() throws InterruptedException {
        if (seconds <= 0 || fps < 0 || buffers < 2 || pngEvery < 1) {
            throw new ParameterException(spec.commandLine(),
                "--seconds must be positive, --fps at least 0, --buffers at least 2 and --png-every at least 1");
        }
        String base = files.name("video");
        Path png = pngDir != null ? pngDir : Path.of(System.getProperty("java.io.tmpdir"), "xmem-video-frames");
        String dirArg = files.dir.toString();
        try (Session session = new Session(spec.commandLine().getOut(), files.dir);
             BufferPool pool = session.createPool(base, PoolConfig.builder().directory(files.dir)
                 .sizeClass(TestPattern.FRAME_BYTES, buffers).build());
             Ring ring = session.createRing(base, RingConfig.builder().directory(files.dir).pool(base).capacity(64 * 1024)
                 .build())) {
            session.say("video: %.0f s of %dx%d RGB frames (%,d bytes) at %s through pool '%s' (%d buffers) and ring "
                    + "'%s'; PNGs to %s", seconds, TestPattern.WIDTH, TestPattern.HEIGHT, TestPattern.FRAME_BYTES,
                fps > 0 ? fps + " fps" : "full speed", pool.name(), buffers, ring.name(), png);
            Session.Role stats = session.start("stats", "frame-stats", "--ring", base, "--dir", dirArg, "--idle", idle.name());
            Session.Role writer = session.start("png", "frame-writer", "--ring", base, "--dir", dirArg, "--idle",
                idle.name(), "--every", Integer.toString(pngEvery), "--out", png.toString());
            stats.awaitReady(Duration.ofSeconds(30));
            writer.awaitReady(Duration.ofSeconds(30));
            session.start("producer", "video-producer", "--ring", base, "--dir", dirArg, "--seconds",
                Double.toString(seconds), "--fps", Double.toString(fps));
            boolean ok = session.awaitAll(Duration.ofSeconds(120 + (long) seconds));
            session.say(ok ? "OK: every frame reached both subscribers by reference and checked out" : "FAILED (see above)");
            return ok ? 0 : Examples.FAILED;
        }
    }
}
