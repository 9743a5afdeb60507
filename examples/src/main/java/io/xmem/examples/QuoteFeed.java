package io.xmem.examples;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

import static io.xmem.examples.QuoteDescriptor.*;

/**
 * The feed of {@link MarketDataCommand}: publishes quotes inline at a steady rate, each written in
 * place in the ring ({@code tryClaim}/{@code commit}), then END quotes with the count. In a
 * reliable ring a slow strategy back-pressures it (counted); in a lossy ring it never waits.
 */
@Command(name = "feed", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of market-data: publishes quotes at a steady rate.")
final class QuoteFeed implements Callable<Integer> {
    private static final long END_NANOS = 60_000_000_000L;
    private static final long END_EVERY_NANOS = 10_000_000L;

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--rate", defaultValue = "1000000") long rate;
    @Option(names = "--seconds", defaultValue = "5") double seconds;
    @Option(names = "--instruments", defaultValue = "100") int instruments;

    /**
     * Publishes END quotes (sequence = the quote count, instrument = the marker's number) until every
     * strategy has left: a strategy overtaken in a lossy ring resumes at the newest record and may
     * skip a marker, so one is not enough. Returns how many were published.
     */
    private static long publishEnd(Publication publication, long published) {
        MemorySegment end = MemorySegment.ofArray(new long[LENGTH / Long.BYTES]); // 8-byte aligned, as the fields need
        long deadline = System.nanoTime() + END_NANOS;
        int ends = 0;
        while (System.nanoTime() - deadline < 0) {
            writeEnd(end, published, ends);
            long result = publication.offer(end);
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED) {
                return ends; // every strategy has seen one and left
            }
            if (result > 0) {
                ends++;
            }
            LockSupport.parkNanos(END_EVERY_NANOS);
        }
        System.out.println("strategies still subscribed " + END_NANOS / 1_000_000_000L + " s after the end: giving up");
        return ends;
    }

    @Override
    public Integer call() {
        try (Ring ring = Ring.open(ringName, dir); Publication publication = ring.publication()) {
            long start = System.nanoTime();
            long duration = (long) (seconds * 1e9);
            long published = 0;
            long backPressured = 0;
            PerSecond progress = new PerSecond(start);
            long[] prices = new long[instruments];
            Arrays.fill(prices, 1_000_000);
            long random = 0x9E3779B97F4A7C15L;
            while (true) {
                long now = System.nanoTime();
                long elapsed = now - start;
                if (elapsed >= duration) {
                    break;
                }
                long due = (long) (elapsed / 1e9 * rate);
                while (published < due) {
                    long result = publication.tryClaim(LENGTH);
                    if (result < 0) {
                        if (result == Publication.CLOSED) {
                            throw new Examples.ExampleFailure("the ring was closed");
                        }
                        backPressured++; // reliable: the slowest strategy is a log behind; try again
                        Thread.onSpinWait();
                        break;
                    }
                    int instrument = (int) (published % instruments);
                    random ^= random << 13; // xorshift: a repeatable random walk per instrument, one tick a quote
                    random ^= random >>> 7;
                    random ^= random << 17;
                    long price = prices[instrument] += random < 0 ? -1 : 1;
                    MemorySegment quote = publication.claimed();
                    quote.set(ValueLayout.JAVA_LONG, SEQUENCE_OFFSET, published);
                    quote.set(ValueLayout.JAVA_INT, INSTRUMENT_OFFSET, instrument);
                    quote.set(ValueLayout.JAVA_INT, FLAGS_OFFSET, 0);
                    quote.set(ValueLayout.JAVA_LONG, BID_OFFSET, price - 1);
                    quote.set(ValueLayout.JAVA_LONG, ASK_OFFSET, price + 1);
                    quote.set(ValueLayout.JAVA_INT, BID_SIZE_OFFSET, 100);
                    quote.set(ValueLayout.JAVA_INT, ASK_SIZE_OFFSET, 200);
                    quote.set(ValueLayout.JAVA_LONG, SEND_TIME_OFFSET, System.nanoTime());
                    publication.commit();
                    published++;
                }
                long perSecond = progress.due(published, now);
                if (perSecond >= 0) {
                    System.out.printf(Locale.ROOT, "%,d quotes/s (back-pressured %,d times so far)%n", perSecond,
                        backPressured);
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long ends = publishEnd(publication, published);
            System.out.printf(Locale.ROOT, "published %d quotes in %.1f s (%,.0f/s, asked %,d/s); back-pressured %d "
                + "times; %d END marker%s%n", published, elapsed, published / elapsed, rate, backPressured, ends,
                ends == 1 ? "" : "s");
            return 0;
        }
    }
}
