package io.xmem.archive.internal;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.xmem.archive.CorruptArchiveException;
import io.xmem.bridge.internal.BatchEntries;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static io.xmem.archive.internal.MarkerDescriptor.*;
import static io.xmem.bridge.internal.ChunkDescriptor.*;

/**
 * Turns the frames of a recording's replay back into records and markers, checking every frame
 * (an archive is untrusted): the chunk format's own rules, sequences that only grow, chunks that
 * continue exactly where the message stands, markers of the right size. Anything else is a
 * {@link CorruptArchiveException} naming the recording and the position. A message the recorder
 * could not finish (stopped or killed mid-message) is reported to the sink as incomplete.
 *
 * <p>Chunked payloads are assembled in a scratch segment that grows with the data actually
 * received (a lying total length allocates nothing); with {@code assemble} false (scans that read
 * only headers) nothing is copied and payloads are handed over empty. One thread.
 */
public final class RecordingReader implements FragmentHandler, AutoCloseable {
    /** Where decoded records and markers go. */
    public interface Sink {
        /** A whole record; {@code payload} is valid during the call only (empty when not assembling). */
        void record(long sequence, boolean inline, long timestamp, long tag, long receivedAt, long length,
                    MemorySegment payload);

        void start(RecordingStart start);

        void loss(long fromSequence, long count, int reason);

        void end(RecordingEnd end);

        /** A message of which only {@code received} of {@code total} bytes were recorded. */
        default void incomplete(long sequence, long received, long total) {
        }
    }

    /** The START marker. */
    public record RecordingStart(String ring, boolean lossy, long capacity, long joinedAt, long pid, long startNanos) {
    }

    /** The END marker. */
    public record RecordingEnd(long records, long bytes, long missing, long firstSequence, long lastSequence,
                               long stopNanos) {
    }

    private static final long NONE = -1;

    private final long recordingId;
    private final Sink sink;
    private final boolean assemble;
    private final UnsafeBuffer target = new UnsafeBuffer(0, 0);
    private Arena arena;
    private MemorySegment scratch = MemorySegment.NULL;
    private boolean midStream;
    private long lastSequence = NONE;
    private long current = NONE;
    private long total;
    private long received;
    private int flags;
    private long timestamp;
    private long tag;
    private long receivedAt;
    private Throwable failure;

    /**
     * A reader of recording {@code recordingId}; {@code midStream}: the replay starts at a term
     * boundary inside the recording, so chunks of a message begun before it are skipped.
     */
    public RecordingReader(long recordingId, Sink sink, boolean assemble, boolean midStream) {
        this.recordingId = recordingId;
        this.sink = sink;
        this.assemble = assemble;
        this.midStream = midStream;
    }

    /**
     * Aeron's {@code Image.poll} hands a handler's exception to the client's error handler and goes on
     * with the next frame, so the first failure (a damaged frame, or the sink's own) is kept here,
     * every frame after it ignored, and {@link #throwIfFailed()} raises it after the poll.
     */
    @Override
    public void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
        if (failure != null) {
            return;
        }
        try {
            read(buffer, offset, length, header);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    /** Rethrows the first failure of a frame polled so far, if any. */
    public void throwIfFailed() {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    private void read(DirectBuffer buffer, int offset, int length, Header header) {
        long position = header.position() - align(length + 32);
        if (length < HEADER_LENGTH || buffer.getInt(offset + CHUNK_MAGIC_OFFSET, ByteOrder.LITTLE_ENDIAN) != CHUNK_MAGIC
            || (header.flags() & FrameDescriptor.UNFRAGMENTED) != FrameDescriptor.UNFRAGMENTED) {
            throw corrupt(position, "a frame of " + length + " bytes that is not an xmem chunk");
        }
        int frameFlags = buffer.getInt(offset + FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN);
        long sequence = buffer.getLong(offset + SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        long messageLength = buffer.getLong(offset + TOTAL_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        long chunkOffset = buffer.getLong(offset + CHUNK_OFFSET_OFFSET, ByteOrder.LITTLE_ENDIAN);
        int n = length - HEADER_LENGTH;
        if (!validChunk(frameFlags, sequence, messageLength, chunkOffset, n)) {
            throw corrupt(position, "a chunk header out of bounds (flags " + frameFlags + ", sequence " + sequence
                + ", length " + messageLength + ", offset " + chunkOffset + ", data " + n + ")");
        }
        long tagField = buffer.getLong(offset + TAG_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (chunkOffset > 0) {
            continueMessage(buffer, offset + HEADER_LENGTH, n, sequence, chunkOffset, position);
            return;
        }
        midStream = false;
        abandon();
        if ((frameFlags & FLAG_MARKER) != 0) {
            marker(buffer, offset + HEADER_LENGTH, n, sequence, (int) tagField, position);
        } else if ((frameFlags & FLAG_BATCH) != 0) {
            batch(buffer, offset + HEADER_LENGTH, n, sequence, tagField, header.reservedValue(), position);
        } else {
            long timestamp = buffer.getLong(offset + TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN);
            begin(sequence, frameFlags, messageLength, timestamp, tagField, header.reservedValue(), position);
            continueMessage(buffer, offset + HEADER_LENGTH, n, sequence, 0, position);
        }
    }

    private static int align(int length) {
        return (length + FrameDescriptor.FRAME_ALIGNMENT - 1) & -FrameDescriptor.FRAME_ALIGNMENT;
    }

    private void begin(long sequence, int frameFlags, long messageLength, long ts, long tg, long at, long position) {
        ordered(sequence, position);
        current = sequence;
        total = messageLength;
        received = 0;
        flags = frameFlags;
        timestamp = ts;
        tag = tg;
        receivedAt = at;
    }

    private void continueMessage(DirectBuffer buffer, int data, int n, long sequence, long chunkOffset, long position) {
        if (current == NONE || sequence != current) {
            if (midStream) {
                return; // the rest of a message begun before this replay's start
            }
            throw corrupt(position, "a chunk of message " + sequence + " at offset " + chunkOffset
                + (current == NONE ? " with no message begun" : " inside message " + current));
        }
        if (chunkOffset != received) {
            throw corrupt(position, "a chunk of message " + sequence + " at offset " + chunkOffset + " where "
                + received + " was due");
        }
        if (assemble && n > 0) {
            ensureScratch(received + n);
            target.wrap(scratch.address(), (int) scratch.byteSize());
            target.putBytes((int) received, buffer, data, n);
        }
        received += n;
        if (received == total) {
            long sequenceDone = current;
            current = NONE;
            lastSequence = sequenceDone;
            sink.record(sequenceDone, (flags & FLAG_INLINE) != 0, timestamp, tag, receivedAt, total,
                assemble ? scratch.asSlice(0, total) : MemorySegment.NULL);
        }
    }

    private void batch(DirectBuffer buffer, int body, int bodyLength, long sequence, long count, long at,
                       long position) {
        if (count < 1 || !BatchEntries.valid(buffer, body, bodyLength, count)) {
            throw corrupt(position, "a batch of " + count + " entries that does not hold them");
        }
        ordered(sequence, position);
        int entry = body;
        for (long i = 0; i < count; i++) {
            int n = buffer.getInt(entry + ENTRY_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            int entryFlags = buffer.getInt(entry + ENTRY_FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN);
            boolean userHeader = (entryFlags & ENTRY_FLAG_USER_HEADER) != 0;
            long ts = userHeader ? buffer.getLong(entry + ENTRY_TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN) : 0;
            long tg = userHeader ? buffer.getLong(entry + ENTRY_TAG_OFFSET, ByteOrder.LITTLE_ENDIAN) : 0;
            int data = entry + ENTRY_HEADER_LENGTH + (userHeader ? ENTRY_USER_HEADER_LENGTH : 0);
            MemorySegment payload = MemorySegment.NULL;
            if (assemble) {
                ensureScratch(n);
                target.wrap(scratch.address(), (int) scratch.byteSize());
                target.putBytes(0, buffer, data, n);
                payload = scratch.asSlice(0, n);
            }
            lastSequence = sequence + i;
            sink.record(sequence + i, (entryFlags & ENTRY_FLAG_INLINE) != 0, ts, tg, at, n, payload);
            entry += (int) entryLength(n, userHeader);
        }
    }

    private void marker(DirectBuffer buffer, int body, int n, long sequence, int kind, long position) {
        switch (kind) {
            case START -> sink.start(start(buffer, body, n, position));
            case LOSS -> {
                requireLength(n, LOSS_LENGTH, "LOSS", position);
                long count = buffer.getLong(body + LOSS_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN);
                if (count < 1 || sequence <= lastSequence) {
                    throw corrupt(position, "a LOSS marker of " + count + " records from " + sequence);
                }
                lastSequence = sequence + count - 1;
                sink.loss(sequence, count, buffer.getInt(body + LOSS_REASON_OFFSET, ByteOrder.LITTLE_ENDIAN));
            }
            case END -> {
                requireLength(n, END_LENGTH, "END", position);
                sink.end(new RecordingEnd(buffer.getLong(body + END_RECORDS_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(body + END_BYTES_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(body + END_MISSING_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(body + END_FIRST_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(body + END_LAST_OFFSET, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(body + END_TIME_OFFSET, ByteOrder.LITTLE_ENDIAN)));
            }
            default -> throw corrupt(position, "a marker of unknown kind " + kind);
        }
    }

    private RecordingStart start(DirectBuffer buffer, int body, int n, long position) {
        requireLength(n, START_NAME_OFFSET, "START", position);
        int nameLength = buffer.getInt(body + START_NAME_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        int version = buffer.getInt(body + START_VERSION_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (version != VERSION || nameLength < 1 || nameLength > MAX_NAME_LENGTH
            || START_NAME_OFFSET + nameLength > n) {
            throw corrupt(position, "a START marker of version " + version + " naming a ring of " + nameLength
                + " bytes in " + n);
        }
        byte[] name = new byte[nameLength];
        buffer.getBytes(body + START_NAME_OFFSET, name);
        return new RecordingStart(new String(name, StandardCharsets.UTF_8),
            (buffer.getInt(body + START_RING_FLAGS_OFFSET, ByteOrder.LITTLE_ENDIAN) & RING_FLAG_LOSSY) != 0,
            buffer.getLong(body + START_CAPACITY_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(body + START_JOINED_AT_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(body + START_PID_OFFSET, ByteOrder.LITTLE_ENDIAN),
            buffer.getLong(body + START_TIME_OFFSET, ByteOrder.LITTLE_ENDIAN));
    }

    private void requireLength(int n, int required, String what, long position) {
        if (n < required) {
            throw corrupt(position, "a " + what + " marker of " + n + " bytes (at least " + required + " expected)");
        }
    }

    private void ordered(long sequence, long position) {
        if (sequence <= lastSequence) {
            throw corrupt(position, "record " + sequence + " after record " + lastSequence);
        }
    }

    /** A message left incomplete: the recorder stopped or died in the middle of it. */
    private void abandon() {
        if (current != NONE) {
            sink.incomplete(current, received, total);
            current = NONE;
        }
    }

    /** Reports a message still incomplete at the end of the recording. */
    public void finish() {
        abandon();
    }

    private void ensureScratch(long length) {
        if (scratch.byteSize() >= length) {
            return;
        }
        long size = Math.min(Math.max(length, scratch.byteSize() * 2), Math.max(length, total));
        Arena fresh = Arena.ofConfined();
        MemorySegment grown = fresh.allocate(Math.max(size, 64), 64);
        if (received > 0 && current != NONE) {
            MemorySegment.copy(scratch, 0, grown, 0, received);
        }
        if (arena != null) {
            arena.close();
        }
        arena = fresh;
        scratch = grown;
    }

    private CorruptArchiveException corrupt(long position, String what) {
        return new CorruptArchiveException("recording " + recordingId + " at position " + position + " holds " + what
            + ": the archive is damaged or was not written by an xmem recorder");
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            scratch = MemorySegment.NULL;
        }
    }
}
