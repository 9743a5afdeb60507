package io.xmem.examples;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.xmem.examples.QuoteDescriptor.*;

/**
 * The feed of {@link MarketDataCommand}: publishes quotes inline at a steady rate, each written in
 * place in the ring ({@code tryClaim}/{@code commit}), then one END quote with the count. In a
 * reliable ring a slow strategy back-pressures it (counted); in a lossy ring it never waits.
 */
@Command(name = "feed", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of market-data: publishes quotes at a steady rate.")
final class QuoteFeed implements Callable<Integer> {
    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--rate", defaultValue = "1000000") long rate;
    @Option(names = "--seconds", defaultValue = "5") double seconds;
    @Option(names = "--instruments", defaultValue = "100") int instruments;

    @Override
    public Integer call() {
        try (Ring ring = Ring.open(ringName, dir); Publication publication = ring.publication()) {
            long start = System.nanoTime();
            long duration = (long) (seconds * 1e9);
            long published = 0;
            long backPressured = 0;
            long lastReport = start;
            long reported = 0;
            long[] prices = new long[instruments];
            java.util.Arrays.fill(prices, 1_000_000);
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
                if (now - lastReport >= 1_000_000_000L) {
                    System.out.printf(Locale.ROOT, "%,d quotes/s (back-pressured %,d times so far)%n",
                        (published - reported) * 1_000_000_000L / (now - lastReport), backPressured);
                    lastReport = now;
                    reported = published;
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            MemorySegment end = MemorySegment.ofArray(new long[LENGTH / Long.BYTES]); // 8-byte aligned, as the fields need
            end.set(ValueLayout.JAVA_LONG, SEQUENCE_OFFSET, published);
            end.set(ValueLayout.JAVA_INT, FLAGS_OFFSET, FLAG_END);
            while (publication.offer(end) < 0) {
                Thread.yield();
            }
            System.out.printf(Locale.ROOT, "published %d quotes in %.1f s (%,.0f/s, asked %,d/s); back-pressured %d times%n",
                published, elapsed, published / elapsed, rate, backPressured);
            return 0;
        }
    }
}
