package io.xmem.examples;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.tools.EndOfStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * The first stage of {@link PipelineCommand}: "decodes" frames ({@link PipelineFrame}) straight into
 * buffers of the ring's pool for {@code --seconds} and publishes a reference to each on its ring (tag
 * = frame number, timestamp = publish time), then an {@link EndOfStream} record with the count. It
 * hands each frame to the ring ({@code send}): its handle's reference becomes the record's pin, so from
 * then on the ring alone keeps the frame, which is what lets the filter downstream hold it alone. The
 * pool is the flow control: with every buffer in the pipeline, it waits for one to come back (counted).
 */
@Command(name = "decoder", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of pipeline: decodes frames into pool buffers and publishes them by reference.")
final class PipelineDecoder implements Callable<Integer> {
    /** A buffer not back after this long means a stage downstream is stuck. */
    private static final Duration BUFFER_WAIT = Duration.ofSeconds(30);

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--seconds", defaultValue = "5") double seconds;
    @Option(names = "--frame-bytes", defaultValue = "1048576") long frameBytes;

    private long poolWaits;

    @Override
    public Integer call() {
        try (Ring ring = Ring.open(ringName, dir); Publication decoded = ring.publication()) {
            BufferPool pool = ring.pool();
            long start = System.nanoTime();
            long duration = (long) (seconds * 1e9);
            PerSecond progress = new PerSecond(start);
            long frames = 0;
            while (System.nanoTime() - start < duration) {
                long number = frames;
                try (Buffer frame = acquire(pool)) { // closes it only if it was not sent
                    PipelineFrame.decode(frame.segment(), number);
                    offer(() -> decoded.send(frame, System.nanoTime(), number));
                } // sent: our reference is the ring's pin now, kept until the filter has passed the record
                frames++;
                long now = System.nanoTime();
                long perSecond = progress.due(frames, now);
                if (perSecond >= 0) {
                    System.out.printf(Locale.ROOT, "%,d frames/s (waited for a free buffer %,d times so far)%n",
                        perSecond, poolWaits);
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            MemorySegment end = EndOfStream.of(frames);
            offer(() -> decoded.offer(end));
            System.out.printf(Locale.ROOT, "decoded %d frames of %,d bytes in %.1f s (%.0f frames/s, %.1f MiB/s by "
                + "reference); waited for a free buffer %d times%n", frames, frameBytes, elapsed, frames / elapsed,
                frames * (double) frameBytes / elapsed / (1 << 20), poolWaits);
            return 0;
        }
    }

    /** A buffer for the next frame; when every one is somewhere in the pipeline, waits for one (counted). */
    private Buffer acquire(BufferPool pool) {
        Buffer frame = pool.tryAcquire(frameBytes);
        if (frame == null) {
            poolWaits++;
            frame = pool.acquire(frameBytes, BUFFER_WAIT);
        }
        return frame;
    }

    /**
     * Offers until the ring takes it: back-pressure is a full ring, to wait out; no subscriber or a
     * closed ring means the next stage is gone. Shared with the filter, which forwards the same way.
     */
    static void offer(LongSupplier offer) {
        long result;
        while ((result = offer.getAsLong()) == Publication.BACK_PRESSURED) {
            Thread.yield();
        }
        if (result < 0) {
            throw new Examples.ExampleFailure(result == Publication.NOT_CONNECTED
                ? "the next stage of the pipeline left: nobody reads the ring any more" : "the ring was closed");
        }
    }
}
