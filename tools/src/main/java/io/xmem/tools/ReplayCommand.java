package io.xmem.tools;

import io.xmem.archive.ArchiveConfig;
import io.xmem.archive.ArchiveSubscription;
import io.xmem.archive.RecordingSummary;
import io.xmem.archive.Recordings;
import io.xmem.archive.Replay;
import io.xmem.pool.InvalidConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code xmem replay --archive DIR --into RING}: publishes recorded records into a ring, at the
 * original pace or faster, and optionally goes on with the live ring after them.
 *
 * <pre>{@code
 * xmem replay --archive /var/lib/xmem/archive --recording 3 --into md-replay --speed max
 * xmem replay --archive /var/lib/xmem/archive --ring md --into md-late --then-live
 * }</pre>
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Publishes recorded records into ring --into, byte for byte and in order, with their timestamps "
        + "and tags: inline records inline, referenced payloads in buffers of that ring's pool. The ring exists "
        + "already; the replay waits while it back-pressures or has no subscriber. Without --recording, every "
        + "recording of the ring (--ring, default: the ring of the newest recording) is replayed in order, and "
        + "records in none of them are reported as gaps.", ""})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ArchiveOptions archive;

    @Option(names = "--recording", paramLabel = "ID", description = "Replay this recording only.")
    Long recording;

    @Option(names = "--ring", paramLabel = "NAME", description = "Replay the recordings of this ring.")
    String ring;

    @Option(names = "--into", required = true, paramLabel = "RING", description = "The ring to publish into.")
    String into;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory of the target ring, and of the live ring with --then-live "
            + "(default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--speed", paramLabel = "SPEED", defaultValue = "max",
        description = "original (the recorded spacing), max (as fast as the ring takes them; the default), or a factor "
            + "such as 2 (twice as fast) or 0.5.")
    String speed;

    @Option(names = "--from", paramLabel = "TIME", description = "Only records received at or after TIME "
        + "(10:05, 2026-11-22T10:05:00, 2026-11-22T09:05:00Z, epoch ms).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Only records received at or before TIME.")
    String to;

    @Option(names = "--then-live", description = "After the history, go on with the live ring's records: no gap, no "
        + "duplicate (the seam is decided by sequence numbers). Runs until Ctrl-C.")
    boolean thenLive;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ArchiveConfig config = archive.config();
        double factor = parseSpeed(speed); // a mistake is said before anything starts
        ArchiveSubscription.Builder source = ArchiveSubscription.builder(config).ringDirectory(dir).thenLive(thenLive);
        if (recording != null) {
            source.recording(recording);
        } else {
            source.ring(ring != null ? ring : newestRing(config));
        }
        if (from != null) {
            source.from(Times.parse(from, "--from"));
        }
        if (to != null) {
            source.to(Times.parse(to, "--to"));
        }
        try (Replay replay = Replay.into(source.build(), into, dir, factor)) {
            ArchiveSubscription history = replay.source();
            out.printf("replaying recording%s %s into ring '%s' at %s speed%s%n", history.recordings().size() == 1
                ? "" : "s", history.recordings(), into, speed, thenLive ? ", then live (Ctrl-C to stop)" : "");
            out.flush();
            Thread hook = new Thread(replay::stop, "xmem-replay-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            replay.run();
            out.printf("published %,d records (%,d from the archive, %,d live); %,d in neither (gaps)%n",
                replay.published(), history.historyRecords(), history.liveRecords(), history.missing());
            out.flush();
            Foreground.removeHook(hook);
        }
        return XmemCli.OK;
    }

    private static String newestRing(ArchiveConfig config) {
        List<RecordingSummary> all = Recordings.list(config);
        if (all.isEmpty()) {
            throw new InvalidConfigException(config + " has no recordings");
        }
        return all.getLast().ring();
    }

    static double parseSpeed(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "original" -> Replay.ORIGINAL_SPEED;
            case "max" -> Replay.MAX_SPEED;
            default -> {
                try {
                    double factor = Double.parseDouble(text);
                    if (factor > 0 && !Double.isNaN(factor)) {
                        yield factor;
                    }
                } catch (NumberFormatException ignored) { // said below
                }
                throw new InvalidConfigException("--speed takes original, max or a positive factor, not " + text);
            }
        };
    }
}
