package io.xmem.examples;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import io.xmem.tools.Idle;
import io.xmem.tools.Latency;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The ping side of {@link PingPongCommand}: sends a message (sequence at byte 0, send time at byte
 * 8), waits for its echo, records the round trip. Sequence {@link #STOP} tells pong to finish.
 * Allocation-free in the loop: one message segment, one handler object.
 */
@Command(name = "ping", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of pingpong: sends, waits for the echo, records round trips.")
final class Ping implements Callable<Integer>, MessageHandler {
    static final int MIN_SIZE = 16;
    /** The sequence that tells pong to finish (warm-up messages count up from a negative number). */
    static final long STOP = Long.MIN_VALUE;

    @Option(names = "--out", required = true) String out;
    @Option(names = "--in", required = true) String in;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--idle", defaultValue = "spin") Idle idle;
    @Option(names = "--messages", defaultValue = "200000") long messages;
    @Option(names = "--warmup", defaultValue = "50000") long warmup;
    @Option(names = "--size", defaultValue = "32") int size;

    private long expected;
    private long echoed = -1;

    @Override
    public Integer call() {
        Histogram histogram = Latency.histogram();
        try (Ring outRing = Ring.open(out, dir); Ring inRing = Ring.open(in, dir);
             Subscription echoes = inRing.subscription(); // before the first send: the echo must find us
             Publication publication = outRing.publication();
             Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(size, 8);
            long start = System.nanoTime();
            for (long i = -warmup; i < messages; i++) {
                expected = i;
                long sent = System.nanoTime();
                message.set(ValueLayout.JAVA_LONG, 0, i);
                message.set(ValueLayout.JAVA_LONG, 8, sent);
                send(publication, message);
                while (echoes.poll(this, 1) == 0) {
                    idle.idle(echoes);
                }
                if (echoed != i) {
                    System.out.println("FAILED: sent message " + i + " but the echo was " + echoed);
                    return 1;
                }
                if (i >= 0) {
                    Latency.record(histogram, System.nanoTime() - sent);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            message.set(ValueLayout.JAVA_LONG, 0, STOP);
            send(publication, message);
            System.out.printf(Locale.ROOT, "round trip, %d-byte messages, %s (%d round trips in %.1f s, %.0f/s):%n",
                size, idle.describe(), messages + warmup, seconds, (messages + warmup) / seconds);
            Latency.table(System.out, histogram);
            System.out.println("round trip " + Latency.line(histogram));
            return 0;
        }
    }

    /** Offers until the ring takes it (NOT_CONNECTED until the other side has subscribed). */
    static void send(Publication publication, MemorySegment message) {
        long result;
        while ((result = publication.offer(message)) < 0) {
            if (result == Publication.CLOSED) {
                throw new Examples.ExampleFailure("the ring was closed");
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void onMessage(Message message) {
        echoed = message.getLong(0);
    }
}
