package io.xmem.examples;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * The producer of {@link VideoCommand}: renders each frame straight into a pool buffer and
 * publishes a reference to it (timestamp = {@code System.nanoTime()} at publish, tag = frame
 * number). Ends the stream with an inline record: {@link #END_MAGIC}, then the frame count.
 */
@Command(name = "video-producer", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of video: renders test-pattern frames into pool buffers and publishes references.")
final class VideoProducer implements Callable<Integer> {
    /** "VIDEOEND" as a little-endian long: the inline record that closes the stream. */
    static final long END_MAGIC = 0x444E454F45444956L;
    private static final Duration POOL_WAIT = Duration.ofSeconds(30);

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--seconds", defaultValue = "5") double seconds;
    @Option(names = "--fps", defaultValue = "60") double fps;

    @Override
    public Integer call() {
        byte[] row = new byte[TestPattern.ROW_BYTES];
        try (Ring ring = Ring.open(ringName, dir); Publication publication = ring.publication()) {
            BufferPool pool = ring.pool();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long period = fps > 0 ? (long) (1e9 / fps) : 0;
            long frames = 0;
            long backPressured = 0;
            long lastReport = start;
            long reportedFrames = 0;
            for (long now = start; now < end; now = System.nanoTime()) {
                if (period > 0) {
                    long due = start + frames * period;
                    if (due - now > 0) {
                        LockSupport.parkNanos(due - now);
                    }
                }
                // Waits while every frame is still pinned by the ring or held by a subscriber.
                try (Buffer frame = pool.acquire(TestPattern.FRAME_BYTES, POOL_WAIT)) {
                    TestPattern.render(frame.segment(), frames, row);
                    long result;
                    while ((result = publication.offer(frame, 0, TestPattern.FRAME_BYTES, System.nanoTime(), frames)) < 0) {
                        if (result == Publication.CLOSED) {
                            throw new Examples.ExampleFailure("the ring was closed");
                        }
                        backPressured++; // NOT_CONNECTED is not expected: the subscribers joined first
                        Thread.yield();
                    }
                } // our reference goes; the ring's pin keeps the frame until every subscriber has passed it
                frames++;
                now = System.nanoTime();
                if (now - lastReport >= 1_000_000_000L) {
                    System.out.printf(Locale.ROOT, "%d frames, %.1f frames/s%n", frames,
                        (frames - reportedFrames) * 1e9 / (now - lastReport));
                    lastReport = now;
                    reportedFrames = frames;
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            MemorySegment endRecord = MemorySegment.ofArray(new long[] {END_MAGIC, frames});
            while (publication.offer(endRecord) < 0) {
                Thread.yield();
            }
            System.out.printf(Locale.ROOT, "published %d frames of %dx%d RGB in %.1f s: %.1f frames/s, %.1f MiB/s by "
                    + "reference (nothing copied); back-pressured %d times%n", frames, TestPattern.WIDTH,
                TestPattern.HEIGHT, elapsed, frames / elapsed, frames * (double) TestPattern.FRAME_BYTES / elapsed / (1 << 20),
                backPressured);
            return 0;
        }
    }

    /** The frame count if {@code message} is the end record, else -1. */
    static long endOfStream(MemorySegment inline) {
        if (inline.byteSize() == 16 && inline.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) == END_MAGIC) {
            return inline.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
        }
        return -1;
    }
}
