package io.xmem.archive;

/**
 * What a {@link Recorder} has handed to the archive: records and their payload bytes, records it
 * could not record ({@code missing}: a lossy ring overtook it, or a device buffer), and the first
 * and last sequence recorded (−1 before the first).
 */
public record RecorderStats(long recordingId, String ring, long records, long bytes, long missing,
                            long firstSequence, long lastSequence) {
}
