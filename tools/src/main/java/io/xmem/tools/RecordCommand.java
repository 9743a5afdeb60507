package io.xmem.tools;

import io.xmem.archive.ArchiveConfig;
import io.xmem.archive.Recorder;
import io.xmem.archive.RecorderStats;
import io.xmem.archive.RecordingSummary;
import io.xmem.archive.Recordings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xmem record RING --archive DIR}: records every record of a ring into an Aeron Archive
 * recording in the foreground, printing its progress, until Ctrl-C (or {@code --duration}).
 *
 * <pre>{@code
 * xmem record md --archive /var/lib/xmem/archive
 * }</pre>
 */
@Command(name = "record", mixinStandardHelpOptions = true,
    description = {"Records every record of ring NAME (inline and referenced payloads, with sequence, timestamp and "
        + "tag) into a new recording of an Aeron Archive, until Ctrl-C. A recorder is an ordinary subscriber: a "
        + "reliable ring waits for it. See 'xmem recordings' and 'xmem replay'.", ""})
final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The ring to record.")
    String ring;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
        description = "Directory of the ring and its pool (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Mixin
    ArchiveOptions archive;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
        description = "Print the progress every SECONDS (default: ${DEFAULT-VALUE}); 0: never.")
    double interval;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop by itself after SECONDS.")
    Double duration;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ArchiveConfig config = archive.config();
        RecordingSummary previous = previousRecording(config);
        try (Recorder recorder = Recorder.launch(config, ring, dir)) {
            out.printf("recording ring '%s' into %s as recording %d (Ctrl-C to stop)%n", ring, config,
                recorder.recordingId());
            if (previous != null) {
                out.printf("previous recording of '%s': %d, records %d..%d, %s%n", ring, previous.recordingId(),
                    previous.firstSequence(), previous.lastSequence(), RecordingsCommand.state(previous));
            }
            out.flush();
            Thread hook = new Thread(() -> recorder.stopAndAwaitClose(10_000), "xmem-record-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            Thread reporter = Foreground.daemon("xmem-record-progress", () -> report(out, recorder, previous));
            Foreground.stopAfter(duration, recorder::stop);
            recorder.run();
            reporter.interrupt();
            reporter.join(1000);
            line(out, recorder.stats(), null, 0);
            Foreground.removeHook(hook);
        }
        return XmemCli.OK;
    }

    /** The last recording of this ring that holds records: the gap to it is reported once ours has one. */
    private RecordingSummary previousRecording(ArchiveConfig config) {
        List<RecordingSummary> all = Recordings.list(config);
        return all.reversed().stream().filter(r -> ring.equals(r.ring()) && r.records() > 0).findFirst().orElse(null);
    }

    private void report(PrintWriter out, Recorder recorder, RecordingSummary previous) {
        boolean gapSaid = previous == null;
        RecorderStats before = null;
        try {
            while (true) {
                Thread.sleep(interval > 0 ? (long) (interval * 1000) : 200);
                RecorderStats now = recorder.stats();
                if (!gapSaid && now.firstSequence() >= 0) {
                    gapSaid = true;
                    long gap = now.firstSequence() - previous.lastSequence() - 1;
                    if (gap > 0) {
                        out.printf("gap: records %d..%d (%,d) of ring '%s' are in no recording: no recorder ran%n",
                            previous.lastSequence() + 1, now.firstSequence() - 1, gap, ring);
                    }
                }
                if (interval > 0) {
                    line(out, now, before, interval);
                }
                before = now;
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    private static void line(PrintWriter out, RecorderStats s, RecorderStats before, double seconds) {
        String rate = before == null ? "" : String.format(" (%.0f records/s, %s/s)",
            (s.records() - before.records()) / seconds, Bytes.format((long) ((s.bytes() - before.bytes()) / seconds)));
        out.printf("recording %d: %,d records, %s%s, last sequence %d%s%n", s.recordingId(), s.records(),
            Bytes.format(s.bytes()), rate, s.lastSequence(), s.missing() > 0 ? ", missed " + s.missing() : "");
        out.flush();
    }
}
