package io.xmem.archive;

import io.aeron.archive.client.AeronArchive;
import io.xmem.archive.internal.ArchiveAccess;
import io.xmem.archive.internal.ArchiveErrors;
import io.xmem.archive.internal.RecordingDescriptor;
import io.xmem.archive.internal.RecordingReader.RecordingEnd;
import io.xmem.archive.internal.RecordingReader.RecordingStart;
import io.xmem.archive.internal.RecordingScan;
import io.xmem.archive.internal.SegmentFiles;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The xmem recordings of an archive, with what each holds: ring, times, records, bytes, whether it
 * ended cleanly, and the records of its ring that no recording holds between it and the previous one.
 *
 * <pre>{@code
 * for (RecordingSummary r : Recordings.list(ArchiveConfig.builder().directory(dir).build())) {
 *     System.out.println(r.recordingId() + " " + r.ring() + " " + r.records() + (r.clean() ? "" : " (not clean)"));
 * }
 * }</pre>
 *
 * <p>A recording that ended cleanly is summed up from its START and END markers (two short reads);
 * one that did not (its recorder was killed, or still runs) is read through once, headers only.
 */
public final class Recordings {
    private static final String ALIAS = "alias=xmem-recording";

    private Recordings() {
    }

    /** Every xmem recording of the archive, oldest first. */
    public static List<RecordingSummary> list(ArchiveConfig config) {
        try (ArchiveAccess access = ArchiveAccess.open(config)) {
            return list(access);
        }
    }

    static List<RecordingSummary> list(ArchiveAccess access) {
        List<RecordingSummary> summaries = new ArrayList<>();
        for (RecordingDescriptor d : descriptors(access)) {
            summaries.add(summarize(access, d));
        }
        return withGaps(summaries);
    }

    /** The catalog's xmem recordings (by stream and channel alias), oldest first. */
    static List<RecordingDescriptor> descriptors(ArchiveAccess access) {
        List<RecordingDescriptor> found = new ArrayList<>();
        int stream = access.config().streamId();
        try {
            access.archive().listRecordings(0, Integer.MAX_VALUE,
                (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
                 stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
                 strippedChannel, originalChannel, sourceIdentity) -> {
                    if (streamId == stream && originalChannel.contains(ALIAS)) {
                        found.add(new RecordingDescriptor(recordingId, startTimestamp, stopTimestamp, startPosition,
                            stopPosition, termBufferLength, segmentFileLength));
                    }
                });
        } catch (RuntimeException e) {
            throw ArchiveErrors.wrap("cannot list the recordings of " + access.config(), e);
        }
        found.sort(Comparator.comparingLong(RecordingDescriptor::recordingId));
        return found;
    }

    /** Where recording {@code d} ends now: its stop position, or how far it has been written while active. */
    static long endPosition(ArchiveAccess access, RecordingDescriptor d) {
        AeronArchive archive = access.archive();
        try {
            long position = d.active() ? archive.getRecordingPosition(d.recordingId()) : d.stopPosition();
            return position == AeronArchive.NULL_POSITION ? archive.getStopPosition(d.recordingId()) : position;
        } catch (RuntimeException e) {
            throw ArchiveErrors.wrap("cannot ask " + access.config() + " where recording " + d.recordingId()
                + " ends", e);
        }
    }

    static RecordingSummary summarize(ArchiveAccess access, RecordingDescriptor d) {
        long stop = endPosition(access, d);
        if (!access.config().external()) {
            SegmentFiles.verify(access.config().directory(), d, stop);
        }
        boolean active = d.active() && access.archive().getStopPosition(d.recordingId()) == AeronArchive.NULL_POSITION;
        if (!active) {
            RecordingScan tail = RecordingScan.run(access, d, lastTermStart(d, stop), stop, true);
            RecordingEnd end = tail.endMarker();
            if (end != null) {
                RecordingScan head = RecordingScan.run(access, d, d.startPosition(), Math.min(stop,
                    d.startPosition() + 4096), false);
                return clean(d, head.startMarker(), end, stop);
            }
        }
        RecordingScan all = RecordingScan.run(access, d, d.startPosition(), stop, false);
        RecordingStart start = all.startMarker();
        Instant startTime = start == null ? Instant.ofEpochMilli(d.startTimestamp()) : instant(start.startNanos());
        Instant stopTime = active ? null : all.records() > 0 ? instant(all.lastReceivedAt()) : startTime;
        return new RecordingSummary(d.recordingId(), start == null ? null : start.ring(),
            start != null && start.lossy(), startTime, stopTime, all.records(), all.bytes(), all.missing(), all.first(),
            all.last(), false, active, all.incomplete(), -1, d.startPosition(), stop);
    }

    private static RecordingSummary clean(RecordingDescriptor d, RecordingStart start, RecordingEnd end, long stop) {
        Instant startTime = start == null ? Instant.ofEpochMilli(d.startTimestamp()) : instant(start.startNanos());
        return new RecordingSummary(d.recordingId(), start == null ? null : start.ring(),
            start != null && start.lossy(), startTime, instant(end.stopNanos()), end.records(), end.bytes(),
            end.missing(), end.firstSequence(), end.lastSequence(), true, false, -1, -1, d.startPosition(), stop);
    }

    /** The start of the term holding the recording's last byte: frames never cross a term's start. */
    private static long lastTermStart(RecordingDescriptor d, long stop) {
        long termLength = d.termLength();
        long base = d.startPosition() - (d.startPosition() & (termLength - 1));
        long from = base + (Math.max(0, stop - 1 - base) / termLength) * termLength;
        return Math.max(d.startPosition(), from);
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }

    /** Each recording's gap since the previous recording of the same ring. */
    private static List<RecordingSummary> withGaps(List<RecordingSummary> summaries) {
        Map<String, RecordingSummary> previous = new HashMap<>();
        List<RecordingSummary> out = new ArrayList<>();
        for (RecordingSummary s : summaries) {
            RecordingSummary before = s.ring() == null ? null : previous.get(s.ring());
            long gap = -1;
            if (before != null && before.lastSequence() >= 0 && s.firstSequence() >= 0) {
                gap = s.firstSequence() > before.lastSequence() ? s.firstSequence() - before.lastSequence() - 1 : -1;
            }
            out.add(s.withGapBefore(gap));
            if (s.ring() != null && s.records() > 0) {
                previous.put(s.ring(), s);
            }
        }
        return out;
    }
}
