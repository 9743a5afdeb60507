package io.xmem.bridge;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Publication;
import io.xmem.ring.Subscription;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Assertions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The records the bridge tests send, numbered {@code k} from 0: mostly small inline ones (8 to 64
 * bytes), and every 1000th an 8 MiB pool buffer with timestamp {@code k} and tag {@code ~k};
 * every byte derived from {@code k}, so the receiving side checks each payload alone. And the
 * receiving side: a subscriber that checks order and content and counts the records it never saw.
 */
final class Traffic {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private Traffic() {
    }

    static boolean isBig(long k) {
        return k % 1000 == 999;
    }

    static int smallLength(long k) {
        return 8 + (int) (k % 57);
    }

    private static long word(long k, long at) {
        return (k * 0x9E3779B97F4A7C15L) ^ (at * 0xC2B2AE3D27D4EB4FL);
    }

    static void fill(MemorySegment payload, long k) {
        long length = payload.byteSize();
        payload.set(LONG, 0, k);
        long at = 8;
        for (; at + 8 <= length; at += 8) {
            payload.set(LONG, at, word(k, at));
        }
        for (; at < length; at++) {
            payload.set(ValueLayout.JAVA_BYTE, at, (byte) word(k, at));
        }
    }

    /** The first offset whose byte differs from what record {@code k} carries, or -1. */
    static long mismatch(MemorySegment payload, long k) {
        long length = payload.byteSize();
        if (length < 8 || payload.get(LONG, 0) != k) {
            return 0;
        }
        long at = 8;
        for (; at + 8 <= length; at += 8) {
            if (payload.get(LONG, at) != word(k, at)) {
                return at;
            }
        }
        for (; at < length; at++) {
            if (payload.get(ValueLayout.JAVA_BYTE, at) != (byte) word(k, at)) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Sends records 0 to {@code records − 1} and a 24 MiB one numbered {@code records} from host
     * {@code a} over the link; checks that all arrived in order, intact, with the right header.
     */
    static void sendAllAndCheck(BridgeFixture.Link link, BridgeFixture.Host a,
        int records) throws InterruptedException {
        try (Publication pub = a.ring().publication()) {
            publish(pub, a.pool(), 0, records);
            publishBuffer(pub, a.pool(), records, BridgeFixture.HUGE);
        }
        Receiver rx = link.receiver();
        Assertions.assertTrue(rx.awaitThrough(records, Duration.ofSeconds(60)),
            () -> "received through " + rx.last() + link.transcripts());
        Assertions.assertEquals(List.of(), rx.errors());
        Assertions.assertEquals(records + 1, rx.received());
        Assertions.assertEquals(records / 1000 + 1, rx.bigOnes());
    }

    /** Publishes records {@code from} (inclusive) to {@code to} (exclusive), waiting out back-pressure. */
    static void publish(Publication pub, BufferPool pool, long from, long to) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(64, 8);
            for (long k = from; k < to; k++) {
                if (isBig(k)) {
                    publishBuffer(pub, pool, k, BridgeFixture.BIG);
                } else {
                    MemorySegment m = small.asSlice(0, smallLength(k));
                    fill(m, k);
                    retry(() -> pub.offer(m));
                }
            }
        }
    }

    static void publishBuffer(Publication pub, BufferPool pool, long k, long size) {
        try (Buffer b = pool.acquire(size, Duration.ofSeconds(60))) {
            fill(b.segment(), k);
            retry(() -> pub.offer(b, 0, size, k, ~k));
        }
    }

    private static void retry(LongSupplier offer) {
        IdleStrategy idle = new BackoffIdleStrategy();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long r;
        while ((r = offer.getAsLong()) < 0) {
            if (r == Publication.CLOSED || System.nanoTime() > deadline) {
                throw new AssertionError("publishing failed: " + (r == Publication.CLOSED ? "closed"
                    : "60 s of back-pressure"));
            }
            idle.idle();
        }
    }

    /** Polls a subscription on its own thread and checks every record. */
    static final class Receiver implements MessageHandler, AutoCloseable {
        private final Subscription subscription;
        private final Thread thread;
        private final List<String> errors = new ArrayList<>();
        private volatile boolean running = true;
        private volatile long last = -1;
        private volatile long received;
        private volatile long missing;
        private volatile long bigOnes;

        Receiver(Subscription subscription) {
            this.subscription = subscription;
            this.thread = new Thread(this::loop, "receiver");
            thread.start();
        }

        private void loop() {
            IdleStrategy idle = new BackoffIdleStrategy();
            while (running) {
                idle.idle(subscription.poll(this, 64));
            }
        }

        @Override
        public void onMessage(Message m) {
            long k = m.length() >= 8 ? m.getLong(0) : -1;
            if (k <= last) {
                error("record " + k + " after " + last + ": out of order or repeated");
                return;
            }
            if (!m.isInline()) {
                bigOnes++;
                if (m.timestamp() != k || m.tag() != ~k) {
                    error("record " + k + " has timestamp " + m.timestamp() + " and tag " + m.tag());
                }
            } else if (isBig(k) || m.length() != smallLength(k)) {
                error("record " + k + " came inline with " + m.length() + " bytes");
            }
            if (!m.isInline() && !isBig(k) && m.length() != BridgeFixture.HUGE) {
                error("record " + k + " came by reference with " + m.length() + " bytes");
            }
            long at = mismatch(m.segment(), k);
            if (at >= 0) {
                error("record " + k + " differs at byte " + at + " of " + m.length());
            }
            missing += k - last - 1;
            last = k;
            received++;
        }

        private synchronized void error(String what) {
            if (errors.size() < 10) {
                errors.add(what);
            }
        }

        synchronized List<String> errors() {
            return List.copyOf(errors);
        }

        long last() {
            return last;
        }

        long received() {
            return received;
        }

        /** Records skipped between those received (not counting any before the first). */
        long missing() {
            return missing;
        }

        long bigOnes() {
            return bigOnes;
        }

        /** Waits until record {@code k} (or a later one) arrived; false on timeout. */
        boolean awaitThrough(long k, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (last < k) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            subscription.close();
        }
    }
}
