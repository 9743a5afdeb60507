package io.xmem.examples;

import io.xmem.launch.LineFields;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.RingConfig;
import io.xmem.tools.FrameRun;
import io.xmem.tools.Idle;
import io.xmem.tools.TestPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code examples/run video}: the frame stream of {@code xmem demo} ({@link FrameRun}) with video
 * frames. A producer renders 1080p RGB frames ({@link TestPattern}) into pool buffers and publishes
 * 64-byte references; one subscriber, {@code stats}, verifies every frame in place and computes
 * statistics, another, {@code png} ({@link FrameWriter}), writes every Nth frame as a PNG. No frame
 * is copied between processes.
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

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5",
        description = "How long to produce (default ${DEFAULT-VALUE}).")
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
        description = "How the subscribers wait: sleep (futex, 0%% CPU), yield or spin (default ${DEFAULT-VALUE}).")
    Idle idle;

    @Mixin
    SharedFiles files;

    @Override
    public Integer call() {
        if (seconds <= 0 || fps < 0 || buffers < 2 || pngEvery < 1) {
            throw new ParameterException(spec.commandLine(),
                "--seconds must be positive, --fps at least 0, --buffers at least 2 and --png-every at least 1");
        }
        String base = files.name("video");
        Path png = pngDir != null ? pngDir : Path.of(System.getProperty("java.io.tmpdir"), "xmem-video-frames");
        PoolConfig pool = PoolConfig.builder().directory(files.dir).sizeClass(TestPattern.FRAME_BYTES, buffers).build();
        RingConfig ring = RingConfig.builder().directory(files.dir).pool(base).capacity(64 * 1024).build();
        Console output = new Console(spec.commandLine().getOut());
        List<String> payload = List.of("--payload", "video");
        try (FrameRun run = new FrameRun("examples/run video", base, pool, ring, payload, output)) {
            output.say("video: %.0f s of %dx%d RGB frames (%,d bytes) at %s through pool '%s' (%d buffers) and ring "
                    + "'%s'; PNGs to %s", seconds, TestPattern.WIDTH, TestPattern.HEIGHT, TestPattern.FRAME_BYTES,
                fps > 0 ? fps + " fps" : "full speed", base, buffers, base, png);
            run.startChecker("stats", "--idle", idle.name());
            run.startSubscriber(Roles.command("png", "frame-writer", "--ring", base, "--dir", files.dir.toString(),
                "--idle", idle.name(), "--every", Integer.toString(pngEvery), "--out", png.toString()));
            boolean ok = run.awaitSubscribers();
            if (ok) {
                run.startProducer("--seconds", Double.toString(seconds), "--fps", Double.toString(fps));
                Progress progress = new Progress(run, output);
                run.watch(Duration.ofSeconds(1), elapsed -> progress.tick());
                ok = summary(run, output);
            }
            output.say("%s", ok ? "OK: every frame reached both subscribers by reference and checked out"
                : "FAILED (see above)");
            return ok ? 0 : Examples.FAILED;
        }
    }

    /** The producer's and the checker's results, as the roles printed them before; true when all is well. */
    private static boolean summary(FrameRun run, Console output) {
        FrameRun.Role producer = run.producer();
        FrameRun.Role stats = run.subscribers().getFirst();
        if (producer.done() != null) {
            double s = producer.count("nanos") / 1e9;
            output.say("[producer] published %d frames of %dx%d RGB in %.1f s: %.1f frames/s, %.1f MiB/s by reference "
                    + "(nothing copied); back-pressured %d times", producer.count("references"), TestPattern.WIDTH,
                TestPattern.HEIGHT, s, producer.count("references") / s, producer.count("bytes") / s / (1 << 20),
                producer.count("backPressured"));
        }
        Map<String, String> checked = stats.done();
        if (checked != null) {
            double s = Math.max(1e-9, stats.count("nanos") / 1e9);
            output.say("[stats] received %d of %d frames, verified %d, bad %d, out of order %d; %.1f frames/s, "
                    + "%.1f MiB/s read in place (copy-free)", stats.count("references"), stats.count("expected"),
                stats.count("verified"), stats.count("bad"), stats.count("outOfOrder"), stats.count("references") / s,
                stats.count("bytes") / s / (1 << 20));
        }
        if (stats.latency() != null) {
            output.say("[stats] handoff latency (publish to receive) %s", stats.latency());
        }
        boolean ok = run.problems().isEmpty() && producer.done() != null && checked != null
            && stats.count("verified") == stats.count("expected") && stats.count("lost") == 0;
        for (FrameRun.Role role : List.of(producer, stats, run.subscribers().getLast())) {
            if (role.exitCode() != 0) {
                output.say("the %s process exited with %d", role.label(), role.exitCode());
                ok = false;
            }
        }
        return ok;
    }

    /** Once a second: the producer's frame rate, and the last frame the checker verified with its statistics. */
    private static final class Progress {
        private final FrameRun run;
        private final Console output;
        private long last = System.nanoTime();
        private long published;
        private long verified;

        Progress(FrameRun run, Console output) {
            this.run = run;
            this.output = output;
        }

        void tick() {
            long now = System.nanoTime();
            double seconds = Math.max(1e-9, (now - last) / 1e9);
            FrameRun.Role producer = run.producer();
            long p = LineFields.getLong(producer.progress(), "published", 0);
            if (p > published && producer.done() == null) {
                output.say("[producer] %d frames, %.1f frames/s", p, (p - published) / seconds);
            }
            FrameRun.Role stats = run.subscribers().getFirst();
            long v = LineFields.getLong(stats.progress(), "verified", 0);
            if (v > verified && stats.done() == null) {
                output.say("[stats] %s | %.1f frames/s verified, handoff p50 %.1f µs", stats.note(),
                    (v - verified) / seconds, LineFields.getLong(stats.progress(), "p50ns", 0) / 1000.0);
            }
            published = p;
            verified = v;
            last = now;
        }
    }
}
