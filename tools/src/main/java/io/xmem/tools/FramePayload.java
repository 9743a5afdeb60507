package io.xmem.tools;

import io.xmem.ring.Message;

import java.lang.foreign.MemorySegment;

/**
 * What the frame stream's producer writes into each record and how a subscriber checks it in
 * place: the one thing {@code xmem demo} ({@link DemoPayload}: buffers of mixed sizes with their
 * CRC32C, inline messages between) and {@code examples/run video} ({@link TestPattern}: 1080p
 * frames) do differently. Everything follows from the record's sequence number, so a reader in
 * another process, or another language, checks a record without being sent anything else.
 *
 * <p>The record format every payload shares: a buffer reference carries its sequence number in the
 * tag; an inline message starts with it ({@link #SEQUENCE_OFFSET}); the stream ends with an
 * {@link EndOfStream} record.
 */
public interface FramePayload {
    /** An inline message's first 8 bytes: its sequence number. */
    int SEQUENCE_OFFSET = 0;

    /** The payload named {@code kind} ({@code demo} or {@code video}); the demo's frames are {@code frameSize} long. */
    static FramePayload of(String kind, long frameSize) {
        return switch (kind) {
            case DemoPayload.KIND -> new DemoPayload(frameSize);
            case TestPattern.KIND -> new TestPattern();
            default -> throw new IllegalArgumentException("no payload '" + kind + "': demo or video");
        };
    }

    /** Whether record {@code seq} is an inline message rather than a reference to a pool buffer. */
    boolean isInline(long seq);

    /** The length of record {@code seq}: its buffer's, or its inline message's. */
    long length(long seq);

    /**
     * Writes record {@code seq} into {@code target} ({@link #length} bytes: a pool buffer, or the
     * inline message); returns what a reference's timestamp field carries.
     */
    long fill(MemorySegment target, long seq);

    /** Checks record {@code seq} in place; null when it is intact, else what is wrong with it. */
    String check(Message message, long seq);

    /** When {@code message} was published (System.nanoTime), or -1 where its timestamp carries something else. */
    long publishTime(Message message);

    /** A few words about the last record checked, for progress lines ("frame 61: mean R 124.0 ..."); or "". */
    default String note() {
        return "";
    }
}
