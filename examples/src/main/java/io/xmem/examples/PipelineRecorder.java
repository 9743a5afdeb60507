package io.xmem.examples;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import io.xmem.tools.Idle;
import io.xmem.tools.Latency;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The last stage of {@link PipelineCommand}: reads the filtered frames in place (read-only, as every
 * received frame is) and checks each: the decoder's picture for its frame number with the filter's
 * transform applied exactly once ({@link PipelineFrame#problem}), frame numbers consecutive from 0,
 * and, at the end record, none missing. Reports once a second and at the end, with the latency from
 * the decoder's publish to here (through the filter).
 */
@Command(name = "recorder", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of pipeline: verifies every filtered frame in place and counts them.")
final class PipelineRecorder implements Callable<Integer>, MessageHandler {
    private static final int MAX_REPORTED_PROBLEMS = 10;

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--idle", defaultValue = "sleep") Idle idle;

    private final Histogram latency = Latency.histogram();
    private long total = -1;
    private long next;
    private long received;
    private long verified;
    private long bad;
    private long outOfOrder;
    private long problems;

    @Override
    public Integer call() {
        try (Ring ring = Ring.open(ringName, dir); Subscription filtered = ring.subscription()) {
            System.out.println(Roles.READY);
            PerSecond progress = new PerSecond(System.nanoTime());
            while (total < 0) {
                long before = received;
                if (filtered.poll(this, 16) == 0) {
                    if (filtered.isEndOfStream()) {
                        System.out.println("FAILED: the filter left after " + received + " frames without saying how "
                            + "many the decoder made");
                        return 1;
                    }
                    idle.idle(filtered);
                }
                long now = System.nanoTime();
                if (before == 0 && received > 0) {
                    progress.restart(now, 0); // rates count from the first frame, not from joining
                }
                long perSecond = progress.due(verified, now);
                if (perSecond > 0) {
                    System.out.printf(Locale.ROOT, "%,d frames/s verified, decoder to recorder p50 %.1f µs%n",
                        perSecond, latency.getValueAtPercentile(50) / 1000.0);
                }
            }
        }
        long lost = total - received;
        System.out.printf(Locale.ROOT, "recorded %d of %d frames: verified %d (filtered exactly once), bad %d, out "
            + "of order %d, lost %d%n", received, total, verified, bad, outOfOrder, lost);
        System.out.println("latency (decoder to recorder) " + Latency.line(latency));
        return verified == total && received == total && outOfOrder == 0 ? 0 : 1;
    }

    @Override
    public void onMessage(Message message) {
        if (message.isInline()) {
            total = PipelineFrame.framesBefore(message);
            return;
        }
        Latency.record(latency, System.nanoTime() - message.timestamp());
        long frame = message.tag();
        received++;
        if (frame != next) {
            outOfOrder++;
            report("frame " + frame + " came where frame " + next + " was due");
        }
        next = frame + 1;
        String problem = PipelineFrame.problem(message.segment(), frame);
        if (problem == null) {
            verified++;
        } else {
            bad++;
            report("bad frame " + frame + ": " + problem);
        }
    }

    private void report(String problem) {
        if (++problems <= MAX_REPORTED_PROBLEMS) {
            System.out.println(problem);
        }
    }
}
