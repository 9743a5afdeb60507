package io.xmem.archive.internal;

import io.xmem.archive.internal.RecordingReader.RecordingEnd;
import io.xmem.archive.internal.RecordingReader.RecordingStart;
import org.agrona.concurrent.IdleStrategy;

import java.lang.foreign.MemorySegment;

/**
 * Reads a stretch of a recording's frames for their headers only (no payload is copied) and keeps
 * what a listing needs: the START and END markers, first and last sequence, records, bytes, what
 * is missing, and a message left incomplete at the end.
 */
public final class RecordingScan implements RecordingReader.Sink {
    private static final int FRAGMENT_LIMIT = 1024;

    private RecordingStart start;
    private RecordingEnd end;
    private long first = -1;
    private long last = -1;
    private long records;
    private long bytes;
    private long missing;
    private long lastReceivedAt;
    private long incomplete = -1;

    /** Scans {@code [from, to)} of the recording; {@code midStream}: {@code from} may cut a message. */
    public static RecordingScan run(ArchiveAccess access, RecordingDescriptor d, long from, long to,
                                    boolean midStream) {
        RecordingScan scan = new RecordingScan();
        if (to <= from) {
            return scan;
        }
        IdleStrategy idle = access.config().newIdleStrategy();
        try (RecordingReader reader = new RecordingReader(d.recordingId(), scan, false, midStream);
             RecordingReplay replay = RecordingReplay.start(access, d.recordingId(), from, to - from)) {
            while (!replay.ended()) {
                idle.idle(replay.poll(reader, FRAGMENT_LIMIT));
                reader.throwIfFailed();
            }
            while (replay.poll(reader, FRAGMENT_LIMIT) > 0) {
                reader.throwIfFailed(); // what the image still holds after its end-of-stream was seen
            }
            reader.throwIfFailed();
            reader.finish();
        }
        return scan;
    }

    /** The START marker, or null if the stretch had none. */
    public RecordingStart startMarker() {
        return start;
    }

    /** The END marker, or null if the stretch had none (the recording did not end cleanly). */
    public RecordingEnd endMarker() {
        return end;
    }

    public long first() {
        return first;
    }

    public long last() {
        return last;
    }

    public long records() {
        return records;
    }

    public long bytes() {
        return bytes;
    }

    public long missing() {
        return missing;
    }

    public long lastReceivedAt() {
        return lastReceivedAt;
    }

    /** A message the stretch ends in the middle of, or -1. */
    public long incomplete() {
        return incomplete;
    }

    @Override
    public void record(long sequence, boolean inline, long timestamp, long tag, long receivedAt, long length,
                       MemorySegment payload) {
        if (first < 0) {
            first = sequence;
        }
        last = sequence;
        records++;
        bytes += length;
        lastReceivedAt = receivedAt;
        incomplete = -1;
    }

    @Override
    public void start(RecordingStart marker) {
        start = marker;
    }

    @Override
    public void loss(long fromSequence, long count, int reason) {
        missing += count;
    }

    @Override
    public void end(RecordingEnd marker) {
        end = marker;
    }

    @Override
    public void incomplete(long sequence, long received, long total) {
        incomplete = sequence;
    }
}
