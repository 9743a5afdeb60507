package com.example;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Publishes {@link Frames#FRAMES} frames by reference: fills a pool buffer and sends it on the ring
 * (a 64-byte record; the handle's reference becomes the ring's pin on the buffer). Closing the
 * publication ends the stream for the subscriber.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:$(cat target/classpath.txt) com.example.Publisher NAME
 * </pre>
 */
public final class Publisher {
    private Publisher() {
    }

    public static void main(String[] args) throws InterruptedException {
        String name = args.length > 0 ? args[0] : "xmem-consumer";
        // Whichever of the two starts first creates the pool and the ring; the other opens them.
        try (BufferPool pool = BufferPool.openOrCreate(name, Frames.POOL);
             Ring ring = Ring.openOrCreate(name, Frames.ring(name));
             Publication publication = ring.publication()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (long n = 0; n < Frames.FRAMES; n++) {
                Buffer frame = pool.acquire(Frames.FRAME_BYTES, Duration.ofSeconds(30));
                Frames.fill(frame.segment(), n);
                long result;
                while ((result = publication.send(frame, System.nanoTime(), n)) < 0) {
                    if (result == Publication.CLOSED || System.nanoTime() - deadline > 0) {
                        System.err.println("publisher: no subscriber took frame " + n + " (" + result + ")");
                        System.exit(1);
                    }
                    Thread.sleep(1); // NOT_CONNECTED until the subscriber is there; BACK_PRESSURED after
                } // sent: the handle is the ring's now, its reference the pin that keeps the frame until it is read
            }
            System.out.println("published " + Frames.FRAMES + " frames of " + Frames.FRAME_BYTES
                + " bytes by reference");
        }
    }
}
