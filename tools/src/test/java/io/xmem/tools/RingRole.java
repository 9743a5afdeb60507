package io.xmem.tools;

import io.xmem.launch.ParentWatch;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.SubscriberEvictedException;
import io.xmem.ring.Subscription;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM for the stat tests: {@code publish NAME DIR} offers a 1000-byte buffer of pool NAME by
 * reference on ring NAME every millisecond; {@code subscribe NAME DIR} reads ring NAME (and says
 * {@code evicted lag=..} if its poll finds it evicted). Each says {@code ready} once it has joined and
 * runs until its stdin closes.
 */
final class RingRole {
    static final int PAYLOAD = 1000;

    public static void main(String[] args) throws IOException {
        ParentWatch.start();
        Path dir = Path.of(args[2]);
        boolean publisher = args[0].equals("publish");
        try (BufferPool pool = BufferPool.open(args[1], dir); Ring ring = Ring.open(args[1], dir);
             AutoCloseable role = publisher ? ring.publication() : ring.subscription()) {
            Thread work = Thread.ofPlatform().daemon().start(() -> {
                if (role instanceof Publication publication) {
                    publish(pool, publication);
                } else {
                    subscribe((Subscription) role);
                }
            });
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin
            }
            work.interrupt();
            work.join(10_000); // it stops using the role before the role closes
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void publish(BufferPool pool, Publication publication) {
        try {
            for (long n = 0; !Thread.currentThread().isInterrupted(); n++) {
                try (Buffer buffer = pool.acquire(PAYLOAD, Duration.ofSeconds(10))) {
                    while (publication.offer(buffer, 0, PAYLOAD, System.nanoTime(), n) == Publication.BACK_PRESSURED) {
                        Thread.onSpinWait();
                    }
                }
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads until interrupted, or until evicted: then says {@code evicted lag=BYTES MESSAGE} and stops. */
    private static void subscribe(Subscription subscription) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (subscription.poll(m -> { }, 64) == 0) {
                    subscription.await(Duration.ofMillis(10));
                }
            }
        } catch (SubscriberEvictedException e) {
            System.out.println("evicted lag=" + e.lag() + " " + e.getMessage());
            System.out.flush();
        }
    }
}
