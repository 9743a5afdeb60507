package io.xmem.archive;

import java.time.Instant;

/**
 * One recording of an archive, as {@code xmem recordings} lists it.
 *
 * @param recordingId   the Aeron Archive recording id
 * @param ring          the recorded ring's name (from the recording's START marker)
 * @param start         when the recorder started; {@code stop}: when it stopped (clean), or the receive time of
 *                      the last record it holds (not clean); null while it records
 * @param records       ring records in the recording; {@code bytes}: their payload bytes
 * @param missing       records the recorder saw pass without recording them (a lossy ring overtook it)
 * @param firstSequence the first and last ring sequence recorded; −1 without records
 * @param clean         the recorder stopped cleanly (the recording ends with its END marker)
 * @param active        a recorder is writing it now
 * @param incomplete    the sequence of a message cut off at the end (the recorder died in it), else −1
 * @param gapBefore     records of the ring not recorded between the previous recording of the same ring and
 *                      this one (the recorder was down); 0 none; −1 not comparable (the first recording of the
 *                      ring, or the ring was recreated and numbers from 0 again)
 */
public record RecordingSummary(long recordingId, String ring, boolean lossy, Instant start, Instant stop, long records,
                               long bytes, long missing, long firstSequence, long lastSequence, boolean clean,
                               boolean active, long incomplete, long gapBefore, long startPosition,
                               long stopPosition) {

    RecordingSummary withGapBefore(long gap) {
        return new RecordingSummary(recordingId, ring, lossy, start, stop, records, bytes, missing, firstSequence,
            lastSequence, clean, active, incomplete, gap, startPosition, stopPosition);
    }
}
