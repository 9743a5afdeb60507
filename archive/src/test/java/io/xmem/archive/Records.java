package io.xmem.archive;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The records the archive tests publish, numbered {@code k} from 0 and derived from {@code k} alone,
 * so any process checks any record by itself: mostly small inline ones (0 to 120 bytes), every 7th
 * a small buffer reference, every 13th one of 100 KiB, every {@code bigEvery}-th 8 MiB, record
 * {@code hugeAt} 24 MiB; references carry timestamp {@code k} and tag {@code ~k}.
 *
 * <pre>{@code
 * Records plan = new Records(20_000, 4_000, 10_000);   // 5 × 8 MiB and one 24 MiB frame
 * plan.publish(pub, pool, 0, plan.count());
 * String why = plan.check(k, payload, inline, ts, tag); // null when record k is exactly right
 * }</pre>
 */
record Records(long count, long bigEvery, long hugeAt) {
    static final long BIG = 8L * 1024 * 1024;
    static final long HUGE = 24L * 1024 * 1024;
    static final long MEDIUM = 100 * 1024;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    /** A pool with a size class for each kind of record, in {@code directory}. */
    static PoolConfig poolConfig(Path directory) {
        return PoolConfig.builder().directory(directory).sizeClass(4096, 64).sizeClass(128 * 1024, 16)
            .sizeClass(BIG, 6).sizeClass(HUGE, 2).build();
    }

    static Records parse(String spec) {
        String[] p = spec.split(",");
        return new Records(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]));
    }

    String spec() {
        return count + "," + bigEvery + "," + hugeAt;
    }

    /** The payload length of record {@code k}. */
    long length(long k) {
        if (k == hugeAt) {
            return HUGE;
        }
        if (k % bigEvery == bigEvery - 1) {
            return BIG;
        }
        if (k % 13 == 5) {
            return MEDIUM;
        }
        return k % 7 == 3 ? 200 + k % 3000 : k % 121;
    }

    boolean inline(long k) {
        return length(k) <= 120 && k % 7 != 3;
    }

    long bigOnes() {
        long n = 0;
        for (long k = 0; k < count; k++) {
            n += length(k) >= BIG ? 1 : 0;
        }
        return n;
    }

    private static long word(long k, long at) {
        return (k * 0x9E3779B97F4A7C15L) ^ (at * 0xC2B2AE3D27D4EB4FL);
    }

    static void fill(MemorySegment payload, long k) {
        long length = payload.byteSize();
        long at = 0;
        for (; at + 8 <= length; at += 8) {
            payload.set(LONG, at, word(k, at));
        }
        for (; at < length; at++) {
            payload.set(ValueLayout.JAVA_BYTE, at, (byte) word(k, at));
        }
    }

    /** Why record {@code k} as received is not what was published, or null when it is exactly that. */
    String check(long k, MemorySegment payload, boolean inline, long timestamp, long tag) {
        long length = payload.byteSize();
        if (length != length(k)) {
            return "record " + k + ": " + length + " bytes, not " + length(k);
        }
        if (inline != inline(k)) {
            return "record " + k + ": " + (inline ? "inline" : "a reference") + ", not the other way";
        }
        if (!inline && (timestamp != k || tag != ~k)) {
            return "record " + k + ": timestamp " + timestamp + " and tag " + tag + ", not " + k + " and " + ~k;
        }
        long at = 0;
        for (; at + 8 <= length; at += 8) {
            if (payload.get(LONG, at) != word(k, at)) {
                return "record " + k + ": bytes differ at " + at;
            }
        }
        for (; at < length; at++) {
            if (payload.get(ValueLayout.JAVA_BYTE, at) != (byte) word(k, at)) {
                return "record " + k + ": bytes differ at " + at;
            }
        }
        return null;
    }

    /** Publishes records {@code from} (inclusive) to {@code to} (exclusive), waiting out back-pressure. */
    void publish(Publication pub, BufferPool pool, long from, long to) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment small = arena.allocate(128, 8);
            for (long k = from; k < to; k++) {
                publishOne(pub, pool, small, k);
            }
        }
    }

    private void publishOne(Publication pub, BufferPool pool, MemorySegment small, long k) {
        long length = length(k);
        if (inline(k)) {
            MemorySegment m = small.asSlice(0, length);
            fill(m, k);
            retry(() -> pub.offer(m));
            return;
        }
        try (Buffer b = pool.acquire(length, Duration.ofSeconds(60))) {
            fill(b.segment().asSlice(0, length), k);
            retry(() -> pub.offer(b, 0, length, k, ~k));
        }
    }

    private static void retry(LongSupplier offer) {
        IdleStrategy idle = new BackoffIdleStrategy();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long r;
        while ((r = offer.getAsLong()) < 0) {
            if (r == Publication.CLOSED || System.nanoTime() > deadline) {
                throw new AssertionError("publishing failed: "
                    + (r == Publication.CLOSED ? "closed" : "60 s of back-pressure"));
            }
            idle.idle();
        }
    }
}
