package io.xmem.archive.internal;

import io.aeron.archive.client.AeronArchive;
import io.xmem.archive.CorruptArchiveException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before a replay, that an embedded archive's segment files hold the whole recording the
 * catalog describes: Aeron names them {@code RECORDINGID-BASEPOSITION.rec} and creates each at its
 * full segment length, so a file missing or shorter than the part of the recording it must hold
 * means the archive was damaged (copied in part, truncated) since.
 */
public final class SegmentFiles {
    private SegmentFiles() {
    }

    public static void verify(Path directory, RecordingDescriptor d, long stopPosition) {
        long position = d.startPosition();
        while (position < stopPosition) {
            long base = AeronArchive.segmentFileBasePosition(d.startPosition(), position, d.termLength(),
                d.segmentLength());
            Path file = directory.resolve(d.recordingId() + "-" + base + ".rec");
            long needed = Math.min(d.segmentLength(), stopPosition - base);
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new CorruptArchiveException("recording " + d.recordingId() + " reaches position " + stopPosition
                    + " but its segment file " + file + " is missing (" + e.getMessage() + ")");
            }
            if (size < needed) {
                throw new CorruptArchiveException("recording " + d.recordingId() + ": segment file " + file + " holds "
                    + size + " bytes, but the recording needs " + needed + " of it (up to position " + stopPosition
                    + "): the file was truncated");
            }
            position = base + d.segmentLength();
        }
    }
}
