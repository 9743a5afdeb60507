package io.xmem.tools;

import io.xmem.archive.RecordingSummary;
import io.xmem.archive.Recordings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xmem recordings --archive DIR}: one line per recording: id, ring, start and stop, records,
 * bytes, the sequences it holds, and whether it ended cleanly; gaps between recordings of a ring.
 */
@Command(name = "recordings", mixinStandardHelpOptions = true,
    description = {"Lists the recordings of an archive: id, ring, start and stop time, records, bytes, the ring "
        + "sequences held, and whether the recording ended cleanly. Records of a ring that no recording holds (the "
        + "recorder was down between two recordings) are shown as a gap.", ""})
final class RecordingsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ArchiveOptions archive;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<RecordingSummary> recordings = Recordings.list(archive.config());
        if (recordings.isEmpty()) {
            out.println("no recordings in " + archive.config());
        } else {
            out.printf("%4s  %-16s %-23s  %-23s  %10s  %10s  %-19s %s%n", "id", "ring", "start", "stop", "records",
                "bytes", "sequences", "state");
        }
        for (RecordingSummary r : recordings) {
            if (r.gapBefore() > 0) {
                out.printf("      gap: %,d records of ring '%s' in no recording (%d..%d): no recorder ran%n",
                    r.gapBefore(), r.ring(), r.firstSequence() - r.gapBefore(), r.firstSequence() - 1);
            }
            out.printf("%4d  %-16s %-23s  %-23s  %,10d  %10s  %-19s %s%n", r.recordingId(),
                r.ring() == null ? "?" : r.ring(), Times.format(r.start()), Times.format(r.stop()), r.records(),
                Bytes.format(r.bytes()), r.records() == 0 ? "-" : r.firstSequence() + ".." + r.lastSequence(),
                state(r));
        }
        out.flush();
        return XmemCli.OK;
    }

    static String state(RecordingSummary r) {
        String state = r.active() ? "recording" : r.clean() ? "ended cleanly" : "NOT ended cleanly (recorder killed?)";
        if (r.missing() > 0) {
            state += ", " + r.missing() + " records missed (lossy ring)";
        }
        if (r.incomplete() >= 0) {
            state += ", record " + r.incomplete() + " cut off";
        }
        return state;
    }
}
