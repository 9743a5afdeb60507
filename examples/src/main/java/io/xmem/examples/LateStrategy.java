package io.xmem.examples;

import io.xmem.archive.ArchiveConfig;
import io.xmem.archive.ArchiveSubscription;
import io.xmem.archive.RecordHandler;
import io.xmem.archive.RecordView;
import io.xmem.pool.PoolConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.xmem.examples.QuoteDescriptor.*;

/**
 * The late strategy of {@link LateJoinCommand}: started while the feed runs, it reads the morning's
 * quotes from the recorder's archive and then the live ring, through one
 * {@link ArchiveSubscription#lateJoin} call, and checks that it saw every quote exactly once.
 */
@Command(name = "late-strategy", hidden = true, mixinStandardHelpOptions = true,
    description = "Role of late-join: history from the archive, then the live ring.")
final class LateStrategy implements Callable<Integer>, RecordHandler {
    private static final long END_TIMEOUT_NANOS = 60_000_000_000L;

    @Option(names = "--ring", required = true) String ringName;
    @Option(names = "--dir") Path dir = PoolConfig.DEFAULT_DIRECTORY;
    @Option(names = "--archive", required = true) Path archive;

    private final long started = System.nanoTime();
    private long next;
    private long total = -1;
    private long duplicates;
    private long gaps;
    private long firstLive = -1;
    private long fromArchive;
    private long live;

    @Override
    public Integer call() {
        ArchiveConfig config = ArchiveConfig.builder().directory(archive).build();
        try (ArchiveSubscription quotes = ArchiveSubscription.lateJoin(config, ringName, dir)) {
            System.out.println(Roles.READY);
            long lastProgress = System.nanoTime();
            while (total < 0) {
                if (quotes.poll(this, 1024) > 0) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > END_TIMEOUT_NANOS) {
                    System.out.println("FAILED: nothing for 60 s after quote " + next);
                    return 1;
                } else {
                    Thread.yield(); // the feed, two strategies and a recorder share few cores
                }
            }
            System.out.printf(Locale.ROOT, "received %d of %d quotes: %d from the archive, then %d live; %s%n", next,
                total, fromArchive, live, duplicates == 0 && gaps == 0 ? "no gap, no duplicate"
                    : gaps + " missing, " + duplicates + " duplicates");
            return next == total && duplicates == 0 && gaps == 0 ? 0 : 1;
        }
    }

    @Override
    public void onRecord(RecordView record) {
        if (total >= 0) {
            return; // END markers after the first
        }
        MemorySegment quote = record.segment();
        long sequence = quote.get(ValueLayout.JAVA_LONG_UNALIGNED, SEQUENCE_OFFSET);
        if ((quote.get(ValueLayout.JAVA_INT_UNALIGNED, FLAGS_OFFSET) & FLAG_END) != 0) {
            total = sequence;
            return;
        }
        if (record.isLive() && firstLive < 0) {
            firstLive = sequence;
            System.out.printf(Locale.ROOT, "caught up %.1f s after starting: quote %d and on come from the live ring%n",
                (System.nanoTime() - started) / 1e9, sequence);
        }
        if (sequence < next) {
            duplicates++;
            return;
        }
        gaps += sequence - next;
        next = sequence + 1;
        if (record.isLive()) {
            live++;
        } else {
            fromArchive++;
        }
    }

    @Override
    public void onGap(long fromSequence, long toSequence, String why) {
        System.out.printf("gap: records %d..%d: %s%n", fromSequence, toSequence, why);
    }
}
