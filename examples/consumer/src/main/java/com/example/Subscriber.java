package com.example;

import io.xmem.pool.BufferPool;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;

import java.time.Duration;

/**
 * Reads the frames {@link Publisher} sends, in place in the pool's shared memory, checks every byte,
 * and once the stream has ended (the publisher closed) says what it got and deletes the pool and ring.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:$(cat target/classpath.txt) com.example.Subscriber NAME
 * </pre>
 */
public final class Subscriber {
    private Subscriber() {
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "xmem-consumer";
        long[] counts = new long[3]; // frames, bytes, bad
        try (BufferPool pool = BufferPool.openOrCreate(name, Frames.POOL);
             Ring ring = Ring.openOrCreate(name, Frames.ring(name));
             Subscription subscription = ring.subscription()) {
            System.out.println("subscribed to '" + name + "'");
            while (!subscription.isEndOfStream()) {
                int read = subscription.poll(message -> {
                    // message.segment() is the publisher's buffer, mapped here: read in place, never copied
                    counts[2] += Frames.check(message.segment(), counts[0]) && message.tag() == counts[0] ? 0 : 1;
                    counts[0]++;
                    counts[1] += message.length();
                }, 16);
                if (read == 0) {
                    subscription.await(Duration.ofMillis(100)); // sleeps until the next record, or the end
                }
            }
        } finally {
            Ring.delete(name);
            BufferPool.delete(name);
        }
        System.out.printf("received %d frames, %d bytes by reference, %d bad%n", counts[0], counts[1], counts[2]);
        System.exit(counts[0] == Frames.FRAMES && counts[2] == 0 ? 0 : 1);
    }
}
