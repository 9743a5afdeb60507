package io.xmem.examples;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * A subscriber of {@link VideoCommand}: reads each frame in place in the pool, checks every row
 * against the test pattern and the frame numbers for order, and computes per-frame statistics
 * (mean of each channel over every 8th row); records the handoff latency, publish to receive.
 */
@Command(name = "frame-stats", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of video: verifies every frame in place and computes its statistics.")
final class FrameStats implements Callable<Integer>, MessageHandler {
    private static final int SAMPLE_EVERY_ROWS = 8;

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--idle", defaultValue = "sleep") Idle idle;

    private final byte[] row = new byte[TestPattern.ROW_BYTES];
    private final Histogram handoff = Latency.histogram();
    private final double[] mean = new double[3];
    private long total = -1;
    private long received;
    private long bad;
    private long outOfOrder;
    private long next;
    private long first = -1; // the first frame seen: 0, unless this subscriber joined a running stream
    private long lastFrame = -1;

    @Override
    public Integer call() {
        try (Ring ring = Ring.open(ringName, dir); Subscription frames = ring.subscription()) {
            System.out.println(Session.READY);
            long start = 0;
            long lastReport = 0;
            long reported = 0;
            while (total < 0) {
                if (frames.poll(this, 4) == 0) {
                    idle.idle(frames);
                    continue;
                }
                long now = System.nanoTime();
                if (start == 0) {
                    start = now;
                    lastReport = now;
                }
                if (now - lastReport >= 1_000_000_000L) {
                    System.out.printf(Locale.ROOT, "frame %d: mean R %.1f G %.1f B %.1f | %.1f frames/s verified, "
                            + "handoff p50 %.1f µs%n", lastFrame, mean[0], mean[1], mean[2],
                        (received - reported) * 1e9 / (now - lastReport), handoff.getValueAtPercentile(50) / 1000.0);
                    lastReport = now;
                    reported = received;
                }
            }
            double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "received %d of %d frames, verified %d, bad %d, out of order %d; %.1f frames/s, "
                    + "%.1f MiB/s read in place (copy-free)%n", received, total - Math.max(0, first), received - bad, bad,
                outOfOrder,
                received / seconds, received * (double) TestPattern.FRAME_BYTES / seconds / (1 << 20));
            System.out.println("handoff latency (publish to receive) " + Latency.line(handoff));
            return bad == 0 && outOfOrder == 0 && received == total - Math.max(0, first) ? 0 : 1;
        }
    }

    @Override
    public void onMessage(Message message) {
        if (message.isInline()) {
            total = VideoProducer.endOfStream(message.segment());
            return;
        }
        Latency.record(handoff, System.nanoTime() - message.timestamp());
        long frame = message.tag();
        MemorySegment pixels = message.segment(); // borrowed in place: the ring's pin keeps it
        received++;
        if (first < 0) {
            first = frame;
            next = frame;
        }
        if (frame != next) {
            outOfOrder++;
            System.out.println("frame " + frame + " came where frame " + next + " was due");
        }
        next = frame + 1;
        int badRow = TestPattern.firstBadRow(pixels, frame, row);
        if (badRow >= 0) {
            if (bad++ < 10) {
                System.out.println("frame " + frame + ": row " + badRow + " does not match the test pattern");
            }
            return;
        }
        long[] sums = new long[3];
        long samples = 0;
        for (int y = 0; y < TestPattern.HEIGHT; y += SAMPLE_EVERY_ROWS) {
            MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, (long) y * TestPattern.ROW_BYTES, row, 0, TestPattern.ROW_BYTES);
            for (int i = 0; i < row.length; i += 3) {
                sums[0] += row[i] & 0xFF;
                sums[1] += row[i + 1] & 0xFF;
                sums[2] += row[i + 2] & 0xFF;
            }
            samples += TestPattern.WIDTH;
        }
        for (int c = 0; c < 3; c++) {
            mean[c] = (double) sums[c] / samples;
        }
        lastFrame = frame;
    }
}
