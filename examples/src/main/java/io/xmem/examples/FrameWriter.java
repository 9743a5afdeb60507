package io.xmem.examples;

import io.xmem.pool.Buffer;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import io.xmem.tools.EndOfStream;
import io.xmem.tools.Idle;
import io.xmem.tools.TestPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber of {@link VideoCommand}: writes every Nth frame as a PNG. Encoding takes far longer
 * than a frame period, so the frame is kept past the callback with {@link Message#retain()} and
 * encoded on another thread; the ring moves on meanwhile (a frame due while the encoder is busy is
 * skipped and counted).
 */
@Command(name = "frame-writer", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of video: writes every Nth frame as a PNG, without holding the ring back.")
final class FrameWriter implements Callable<Integer>, MessageHandler {
    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--every", defaultValue = "60") int every;
    @Option(names = "--out", required = true) Path out;
    @Option(names = "--idle", defaultValue = "sleep") Idle idle;

    private final ExecutorService encoder = Executors.newSingleThreadExecutor();
    private Future<?> encoding;
    private long total = -1;
    private long frames;
    private long written;
    private long skipped;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        try (Ring ring = Ring.open(ringName, dir); Subscription subscription = ring.subscription()) {
            System.out.println(Roles.READY);
            while (total < 0) {
                if (subscription.poll(this, 4) == 0) {
                    idle.idle(subscription);
                }
                finishEncoding(false);
            }
            finishEncoding(true);
        } finally {
            encoder.shutdownNow();
        }
        System.out.printf("wrote %d PNGs of %d frames to %s (%d skipped while the encoder was busy)%n", written, frames,
            out, skipped);
        return written > 0 || frames < every ? 0 : 1;
    }

    @Override
    public void onMessage(Message message) {
        if (message.isInline()) {
            total = EndOfStream.records(message);
            return;
        }
        frames++;
        long frame = message.tag();
        if (frame % every != 0) {
            return;
        }
        if (encoding != null) {
            skipped++;
            return;
        }
        Buffer kept = message.retain(); // our own reference: the ring may let go of the frame now
        Path file = out.resolve(String.format("frame-%06d.png", frame));
        encoding = encoder.submit(() -> {
            try (kept) {
                write(kept.segment(), file); // the encoder thread alone uses the handle from here
            }
            System.out.println("wrote " + file);
        });
    }

    private void finishEncoding(boolean wait) throws Exception {
        if (encoding != null && (wait || encoding.isDone())) {
            encoding.get(60, TimeUnit.SECONDS);
            encoding = null;
            written++;
        }
    }

    /** RGB bytes from the pool into an image's BGR raster (the one copy a PNG encoder needs), then PNG. */
    private static void write(MemorySegment rgb, Path file) {
        BufferedImage image = new BufferedImage(TestPattern.WIDTH, TestPattern.HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        MemorySegment.copy(rgb, ValueLayout.JAVA_BYTE, 0, bgr, 0, TestPattern.FRAME_BYTES);
        for (int i = 0; i < bgr.length; i += 3) {
            byte r = bgr[i];
            bgr[i] = bgr[i + 2];
            bgr[i + 2] = r;
        }
        try {
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
