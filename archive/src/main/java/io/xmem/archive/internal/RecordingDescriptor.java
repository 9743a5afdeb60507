package io.xmem.archive.internal;

import io.aeron.archive.client.AeronArchive;

/**
 * What the archive's catalog says of one xmem recording: positions, times (epoch ms), term and
 * segment lengths. {@code stopPosition} is {@link AeronArchive#NULL_POSITION} while it records.
 */
public record RecordingDescriptor(long recordingId, long startTimestamp, long stopTimestamp, long startPosition,
                                  long stopPosition, int termLength, int segmentLength) {
    public boolean active() {
        return stopPosition == AeronArchive.NULL_POSITION;
    }
}
