package io.xmem.archive;

/**
 * Receives the records of an {@link ArchiveSubscription}, one call per record, in sequence order,
 * each sequence once; and, through {@link #onGap}, every stretch of sequences that neither the
 * archive nor the live ring holds.
 *
 * <pre>{@code
 * RecordHandler handler = new RecordHandler() {
 *     public void onRecord(RecordView r) { book.apply(r.segment()); }
 *     public void onGap(long from, long to, String why) { log.warn("quotes {}..{} missing: {}", from, to, why); }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface RecordHandler {
    /** One record; {@code record} is a flyweight valid only during this call. */
    void onRecord(RecordView record);

    /**
     * Records {@code fromSequence..toSequence} (inclusive) will not be delivered: {@code why} says
     * what happened (not recorded while no recorder ran, overtaken in a lossy ring...). Default:
     * ignored (they stay counted in {@link ArchiveSubscription#missing()}).
     */
    default void onGap(long fromSequence, long toSequence, String why) {
    }
}
