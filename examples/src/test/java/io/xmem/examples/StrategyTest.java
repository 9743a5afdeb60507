package io.xmem.examples;

import io.xmem.ring.Publication;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.Subscription;
import io.xmem.tools.Idle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static io.xmem.examples.QuoteDescriptor.FLAGS_OFFSET;
import static io.xmem.examples.QuoteDescriptor.INSTRUMENT_OFFSET;
import static io.xmem.examples.QuoteDescriptor.LENGTH;
import static io.xmem.examples.QuoteDescriptor.SEND_TIME_OFFSET;
import static io.xmem.examples.QuoteDescriptor.SEQUENCE_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The market-data strategy's accounting (issue 15, defect 1): a strategy more than one END interval
 * behind the feed reads several END markers in one poll, and must count the quotes once. Here the
 * quotes and three markers are in the ring before the strategy polls, so its first poll takes them all.
 */
class StrategyTest {
    private static final int QUOTES = 10;
    private static final int MARKERS = 3;

    @TempDir
    Path dir;

    @Test
    void severalEndMarkersInOneBatchAccountForEveryQuoteOnce() {
        String name = "xmem-strategy-test-" + ProcessHandle.current().pid();
        RingConfig config = RingConfig.builder().directory(dir).capacity(64 * 1024).build();
        try (Ring ring = Ring.create(name, config);
             Subscription quotes = ring.subscription();
             Publication feed = ring.publication()) {
            MemorySegment quote = MemorySegment.ofArray(new long[LENGTH / Long.BYTES]);
            for (int i = 0; i < QUOTES; i++) {
                quote.set(ValueLayout.JAVA_LONG, SEQUENCE_OFFSET, i);
                quote.set(ValueLayout.JAVA_LONG, SEND_TIME_OFFSET, System.nanoTime());
                quote.set(ValueLayout.JAVA_INT, INSTRUMENT_OFFSET, i % 3);
                quote.set(ValueLayout.JAVA_INT, FLAGS_OFFSET, 0);
                assertTrue(feed.offer(quote) > 0, "quote " + i);
            }
            for (int marker = 0; marker < MARKERS; marker++) {
                QuoteDescriptor.writeEnd(quote, QUOTES, marker);
                assertTrue(feed.offer(quote) > 0, "END " + marker);
            }

            Strategy strategy = new Strategy();
            strategy.idle = Idle.SPIN;
            strategy.instruments = 100;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            strategy.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
            int code = strategy.read(ring, quotes);

            String report = printed.toString(StandardCharsets.UTF_8);
            assertTrue(report.startsWith("received " + QUOTES + " of " + QUOTES
                + " quotes, lost 0 (sequence gaps 0, ring says 0)"), report);
            assertEquals(0, code, report);
        } finally {
            Ring.delete(name, dir);
        }
    }
}
