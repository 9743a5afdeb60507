package io.xmem.archive;

import io.xmem.ring.Message;

import java.lang.foreign.MemorySegment;

/**
 * A record as an {@link ArchiveSubscription}'s handler sees it, from history (an archive's
 * recording) or live (the ring itself), the same way: its ring sequence, payload, user header and
 * when it was received. A flyweight reused for every record: valid during the callback only.
 *
 * <pre>{@code
 * quotes.poll(r -> book.apply(r.sequence(), r.segment().get(JAVA_LONG_UNALIGNED, 0), r.isLive()), 256);
 * }</pre>
 */
public final class RecordView {
    private long sequence;
    private long timestamp;
    private long tag;
    private long receivedAt;
    private boolean inline;
    private boolean live;
    private MemorySegment payload;

    void history(long sequence, boolean inline, long timestamp, long tag, long receivedAt, MemorySegment payload) {
        this.sequence = sequence;
        this.inline = inline;
        this.timestamp = timestamp;
        this.tag = tag;
        this.receivedAt = receivedAt;
        this.payload = payload;
        this.live = false;
    }

    void live(Message message, long receivedAt) {
        this.sequence = message.sequence();
        this.inline = message.isInline();
        this.timestamp = message.timestamp();
        this.tag = message.tag();
        this.receivedAt = receivedAt;
        this.payload = message.segment();
        this.live = true;
    }

    /** The record's sequence number in its ring. */
    public long sequence() {
        return sequence;
    }

    /** The payload: a copy assembled from the archive (history) or the ring's own memory (live). */
    public MemorySegment segment() {
        return payload;
    }

    public long length() {
        return payload.byteSize();
    }

    /** The reference's first user value (0 for an inline record). */
    public long timestamp() {
        return timestamp;
    }

    /** The reference's second user value (0 for an inline record). */
    public long tag() {
        return tag;
    }

    /**
     * When the record was received, epoch nanoseconds: by the recorder (history), or by this
     * subscription (live).
     */
    public long receivedAt() {
        return receivedAt;
    }

    /** Whether the record was inline in its ring (else a buffer reference). */
    public boolean isInline() {
        return inline;
    }

    /** Whether it came from the live ring (else from the archive). */
    public boolean isLive() {
        return live;
    }

    @Override
    public String toString() {
        return "RecordView[" + (live ? "live" : "history") + ", sequence=" + sequence + ", length=" + length() + "]";
    }
}
