package io.xmem.bridge.internal;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.xmem.pool.XmemException;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.BooleanSupplier;

import static io.xmem.bridge.internal.ChunkDescriptor.*;

/**
 * Puts messages on an Aeron publication in the wire format of {@link ChunkDescriptor}: a large
 * message as self-describing chunks of at most one frame each, small ones gathered into batch
 * frames, so that one Aeron frame (and one claim, one commit) carries as many small messages as
 * fit. The bridge's egress and the archive's recorder both send through it. One thread.
 *
 * <pre>{@code
 * ChunkSender sender = new ChunkSender(publication, idle, false, () -> running);
 * if (sender.fitsBatch(len, false)) {
 *     if (!sender.append(payload, 0, 0, ENTRY_FLAG_INLINE)) { sender.flush(seq, now); sender.append(...); }
 * } else {
 *     sender.flush(seq, now);
 *     sender.send(seq, payload, ts, tag, 0, now);
 * }
 * sender.flush(seq, now);                      // at the end of each poll: nothing waits for a full frame
 * }</pre>
 *
 * <p>Results: {@link #SENT}; {@link #DROPPED} when the publication refused the first frame and the
 * sender was made to drop rather than wait (a lossy ring: nothing of the message went out);
 * {@link #STOPPED} when it was waiting on back-pressure and {@code running} turned false. Every
 * frame carries {@code reservedValue} in Aeron's frame header (the archive's receive time).
 */
public final class ChunkSender {
    public static final int SENT = 0;
    public static final int DROPPED = 1;
    public static final int STOPPED = 2;

    private final ExclusivePublication publication;
    private final IdleStrategy idle;
    private final boolean dropWhenRefused;
    private final BooleanSupplier running;
    private final int maxFrame;
    private final int maxChunkData;
    private final BufferClaim claim = new BufferClaim();
    private final UnsafeBuffer source = new UnsafeBuffer(0, 0);
    /** The batch being gathered, header room first; copied into one claim when flushed. */
    private final UnsafeBuffer batch;
    private final MemorySegment batchBytes;
    private int batchLength = HEADER_LENGTH;
    private int batchEntries;
    private long batchPayload;
    private boolean waited;

    public ChunkSender(ExclusivePublication publication, IdleStrategy idle, boolean dropWhenRefused,
                       BooleanSupplier running) {
        this.publication = publication;
        this.idle = idle;
        this.dropWhenRefused = dropWhenRefused;
        this.running = running;
        this.maxFrame = publication.maxPayloadLength();
        if (maxFrame <= HEADER_LENGTH + ENTRY_HEADER_LENGTH + ENTRY_USER_HEADER_LENGTH) {
            throw new XmemException("channel " + publication.channel() + " carries " + maxFrame
                + " bytes per frame: too few for the " + HEADER_LENGTH + "-byte chunk header; raise mtu");
        }
        this.maxChunkData = maxFrame - HEADER_LENGTH;
        ByteBuffer scratch = ByteBuffer.allocateDirect(maxFrame);
        this.batch = new UnsafeBuffer(scratch);
        this.batchBytes = MemorySegment.ofBuffer(scratch);
    }

    /** Whether a message of {@code length} bytes fits in a batch frame on its own. */
    public boolean fitsBatch(long length, boolean userHeader) {
        return HEADER_LENGTH + entryLength(length, userHeader) <= maxFrame;
    }

    /**
     * Adds a small message to the batch; false (nothing added) when the batch has no room left
     * for it: flush, then append again. The payload is copied now.
     */
    public boolean append(MemorySegment payload, long timestamp, long tag, int entryFlags) {
        boolean userHeader = (entryFlags & ENTRY_FLAG_USER_HEADER) != 0;
        int n = (int) payload.byteSize();
        int entry = (int) entryLength(n, userHeader);
        if (batchLength + entry > maxFrame) {
            return false;
        }
        int at = batchLength;
        batch.putInt(at + ENTRY_LENGTH_OFFSET, n, ByteOrder.LITTLE_ENDIAN);
        batch.putInt(at + ENTRY_FLAGS_OFFSET, entryFlags, ByteOrder.LITTLE_ENDIAN);
        int data = at + ENTRY_HEADER_LENGTH;
        if (userHeader) {
            batch.putLong(at + ENTRY_TIMESTAMP_OFFSET, timestamp, ByteOrder.LITTLE_ENDIAN);
            batch.putLong(at + ENTRY_TAG_OFFSET, tag, ByteOrder.LITTLE_ENDIAN);
            data += ENTRY_USER_HEADER_LENGTH;
        }
        MemorySegment.copy(payload, 0, batchBytes, data, n);
        batchLength += entry;
        batchEntries++;
        batchPayload += n;
        return true;
    }

    /** Messages gathered and not yet flushed. */
    public int pendingMessages() {
        return batchEntries;
    }

    /** Payload bytes of the messages gathered and not yet flushed. */
    public long pendingBytes() {
        return batchPayload;
    }

    /**
     * Sends the gathered messages as one batch frame numbered from {@code firstSequence}; the
     * batch is empty afterwards whatever the result. {@link #SENT} when there was nothing to send.
     */
    public int flush(long firstSequence, long reservedValue) {
        if (batchEntries == 0) {
            return SENT;
        }
        int length = batchLength;
        putHeader(batch, 0, FLAG_BATCH, firstSequence, length - HEADER_LENGTH, 0, 0, batchEntries);
        batchLength = HEADER_LENGTH;
        batchEntries = 0;
        batchPayload = 0;
        int result = claim(length, true);
        if (result == SENT) {
            claim.buffer().putBytes(claim.offset(), batch, 0, length);
            claim.reservedValue(reservedValue);
            claim.commit();
            idle.reset();
        }
        return result;
    }

    /**
     * Sends one message as chunks of at most a frame each, carrying {@code flags} (e.g.
     * {@link ChunkDescriptor#FLAG_INLINE}); the caller flushes any batch first, to keep the order.
     * The payload is native memory (a ring's or a pool's mapping, an arena's segment).
     */
    public int send(long sequence, MemorySegment payload, long timestamp, long tag, int flags, long reservedValue) {
        if (!payload.isNative()) {
            throw new IllegalArgumentException("the chunk sender copies from native memory only, not " + payload);
        }
        long total = payload.byteSize();
        long offset = 0;
        do {
            int n = (int) Math.min(maxChunkData, total - offset);
            int result = claim(HEADER_LENGTH + n, offset == 0);
            if (result != SENT) {
                return result;
            }
            MutableDirectBuffer frame = claim.buffer();
            int at = claim.offset();
            putHeader(frame, at, flags, sequence, total, offset, timestamp, tag);
            if (n > 0) {
                // The payload is a checked slice of a mapping: wrap its address for Agrona's copy.
                source.wrap(payload.address() + offset, n);
                frame.putBytes(at + HEADER_LENGTH, source, 0, n);
            }
            claim.reservedValue(reservedValue);
            claim.commit();
            offset += n;
        } while (offset < total);
        idle.reset();
        return SENT;
    }

    /** Frames one message of {@code total} bytes takes when sent by {@link #send}. */
    public long chunksOf(long total) {
        return Math.max(1, (total + maxChunkData - 1) / maxChunkData);
    }

    /** Whether the last flush or send had to wait on back-pressure (or a connection). */
    public boolean waited() {
        return waited;
    }

    private int claim(int length, boolean first) {
        if (first) {
            waited = false;
        }
        long result;
        while ((result = publication.tryClaim(length, claim)) < 0) {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                throw new XmemException("Aeron publication on " + publication.channel() + " can take no more: "
                    + Publication.errorString(result));
            }
            if (first && dropWhenRefused) {
                return DROPPED; // nothing of this message is out: drop it whole
            }
            waited = true;
            if (!running.getAsBoolean()) {
                return STOPPED;
            }
            idle.idle();
        }
        return SENT;
    }

    private static void putHeader(MutableDirectBuffer frame, int at, int flags, long sequence, long total, long offset,
                                  long timestamp, long tag) {
        frame.putInt(at + CHUNK_MAGIC_OFFSET, CHUNK_MAGIC, ByteOrder.LITTLE_ENDIAN);
        frame.putInt(at + FLAGS_OFFSET, flags, ByteOrder.LITTLE_ENDIAN);
        frame.putLong(at + SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        frame.putLong(at + TOTAL_LENGTH_OFFSET, total, ByteOrder.LITTLE_ENDIAN);
        frame.putLong(at + CHUNK_OFFSET_OFFSET, offset, ByteOrder.LITTLE_ENDIAN);
        frame.putLong(at + TIMESTAMP_OFFSET, timestamp, ByteOrder.LITTLE_ENDIAN);
        frame.putLong(at + TAG_OFFSET, tag, ByteOrder.LITTLE_ENDIAN);
    }
}
