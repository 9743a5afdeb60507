package io.xmem.examples;

import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import io.xmem.tools.Idle;
import io.xmem.tools.Latency;
import java.io.PrintStream;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.xmem.examples.QuoteDescriptor.*;

/**
 * A strategy of {@link MarketDataCommand}: reads quotes in place, keeps a moving average of each
 * instrument's mid price and counts crossings (its "signals"), and reports its lag (send to receive)
 * and any loss: sequence gaps it saw, and what the ring says it lost. In a reliable ring it must lose
 * nothing; in a lossy one the two counts must agree.
 */
@Command(name = "strategy", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of market-data: reads quotes, reports lag and loss.")
final class Strategy implements Callable<Integer>, MessageHandler {
    private static final long END_TIMEOUT_NANOS = 30_000_000_000L;

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--idle", defaultValue = "spin") Idle idle;
    @Option(names = "--instruments", defaultValue = "100") int instruments;

    private final Histogram lag = Latency.histogram();
    private double[] average;
    private boolean[] above;
    private long total = -1;
    private long endsMissed; // END markers before the one seen: skipped with the quotes when overtaken
    private long received;
    private long gaps;
    private long next;
    private long signals;

    /** Where the strategy reports; the tests read it. */
    PrintStream out = System.out;

    @Override
    public Integer call() {
        try (Ring ring = Ring.open(ringName, dir); Subscription quotes = ring.subscription()) {
            out.println(Roles.READY);
            return read(ring, quotes);
        }
    }

    /**
     * Reads quotes from {@code quotes} until an END quote, reporting once a second and at the end;
     * 0 when every quote is accounted for (and, in a reliable ring, none was lost).
     */
    int read(Ring ring, Subscription quotes) {
        average = new double[instruments];
        above = new boolean[instruments];
        if (!awaitEnd(quotes)) {
            out.println("FAILED: no quote and no END for 30 s after " + received + " quotes");
            return 1;
        }
        long lost = total - received;
        long ringLost = quotes.lostRecords() - endsMissed; // the ring counts the END markers it skipped too
        out.printf(Locale.ROOT, "received %d of %d quotes, lost %d (sequence gaps %d, ring says %d), %d signals%n",
            received, total, lost, gaps, ringLost, signals);
        out.println("lag (publish to receive) " + Latency.line(lag));
        boolean consistent = lost == gaps && gaps == ringLost;
        if (!consistent) {
            out.println("FAILED: the losses do not add up");
        }
        return consistent && (ring.stats().lossy() || lost == 0) ? 0 : 1;
    }

    /** Polls until the END quote, reporting once a second; false when nothing came for 30 s. */
    private boolean awaitEnd(Subscription quotes) {
        long lastQuote = System.nanoTime();
        PerSecond progress = new PerSecond(lastQuote);
        boolean started = false;
        while (total < 0) {
            long now;
            if (quotes.poll(this, 256) == 0) {
                idle.idle(quotes);
                now = System.nanoTime();
                if (now - lastQuote > END_TIMEOUT_NANOS) {
                    return false;
                }
            } else {
                now = System.nanoTime();
                if (!started) {
                    started = true;
                    progress.restart(now, 0); // rates count from the first quote, not from joining
                }
                lastQuote = now;
            }
            long perSecond = progress.due(received, now);
            if (perSecond > 0) {
                out.printf(Locale.ROOT, "%,d quotes/s, lag p50 %.1f µs p99 %.1f µs, lost %d%n", perSecond,
                    lag.getValueAtPercentile(50) / 1000.0, lag.getValueAtPercentile(99) / 1000.0, quotes.lostRecords());
            }
        }
        return true;
    }

    @Override
    public void onMessage(Message message) {
        if (total >= 0) {
            // A strategy behind by more than the feed's END interval reads several markers in one poll:
            // the first one it saw settled the count, and a later one must not count the end again.
            return;
        }
        MemorySegment quote = message.segment();
        if (message.length() != LENGTH) {
            throw new Examples.ExampleFailure("a record of " + message.length() + " bytes is no quote");
        }
        long sequence = quote.get(ValueLayout.JAVA_LONG_UNALIGNED, SEQUENCE_OFFSET);
        if ((quote.get(ValueLayout.JAVA_INT_UNALIGNED, FLAGS_OFFSET) & FLAG_END) != 0) {
            gaps += sequence - next; // quotes lost at the very end
            total = sequence;
            endsMissed = quote.get(ValueLayout.JAVA_INT_UNALIGNED, INSTRUMENT_OFFSET);
            return;
        }
        Latency.record(lag, System.nanoTime() - quote.get(ValueLayout.JAVA_LONG_UNALIGNED, SEND_TIME_OFFSET));
        if (sequence < next) {
            throw new Examples.ExampleFailure("quote " + sequence + " came after quote " + (next - 1));
        }
        gaps += sequence - next;
        next = sequence + 1;
        received++;
        int instrument = quote.get(ValueLayout.JAVA_INT_UNALIGNED, INSTRUMENT_OFFSET);
        if (instrument < 0 || instrument >= instruments) {
            return;
        }
        double mid = (quote.get(ValueLayout.JAVA_LONG_UNALIGNED, BID_OFFSET)
            + quote.get(ValueLayout.JAVA_LONG_UNALIGNED, ASK_OFFSET)) / 2.0;
        double avg = average[instrument] == 0 ? mid : average[instrument] * 0.99 + mid * 0.01;
        average[instrument] = avg;
        boolean isAbove = mid > avg;
        if (isAbove != above[instrument]) {
            signals++;
            above[instrument] = isAbove;
        }
    }
}
