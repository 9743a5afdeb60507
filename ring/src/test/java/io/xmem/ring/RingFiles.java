package io.xmem.ring;

import io.xmem.ring.internal.RecordDescriptor;
import io.xmem.ring.internal.RingHeaderDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and patches a ring file through a plain {@link FileChannel}, the way a foreign or
 * broken process would, with every offset taken from the descriptors ({@link
 * RingHeaderDescriptor}, {@link RecordDescriptor}) and the file's own header.
 */
final class RingFiles {
    private RingFiles() {
    }

    static long readLong(Path file, long offset) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new IllegalStateException(file + " ends before byte " + (offset + 8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.getLong(0);
    }

    static void writeLong(Path file, long offset, long value) {
        write(file, offset, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value));
    }

    static void writeInt(Path file, long offset, int value) {
        write(file, offset, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value));
    }

    static void write(Path file, long offset, byte[] bytes) {
        write(file, offset, ByteBuffer.wrap(bytes));
    }

    private static void write(Path file, long offset, ByteBuffer b) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long capacity(Path ring) {
        return readLong(ring, RingHeaderDescriptor.CAPACITY_OFFSET);
    }

    static long tail(Path ring) {
        return readLong(ring, RingHeaderDescriptor.TAIL_OFFSET);
    }

    /** File offset of the record at stream {@code position}. */
    static long recordOffset(Path ring, long position) {
        long log = readLong(ring, RingHeaderDescriptor.LOG_OFFSET_OFFSET);
        return log + (position & (capacity(ring) - 1));
    }

    /**
     * Writes inline record {@code seq} of {@link Payloads} at {@code position} as a publisher
     * would: body, length and type, and the commit word last when {@code commit}; the tail is
     * left alone. Returns the record's aligned length.
     */
    static int writeInlineRecord(Path ring, long position, long seq, boolean commit) {
        long record = recordOffset(ring, position);
        byte[] body = new byte[Payloads.inlineLength(seq)];
        Payloads.writeInline(MemorySegment.ofArray(body), seq);
        write(ring, record + RecordDescriptor.HEADER_LENGTH, body);
        int length = RecordDescriptor.HEADER_LENGTH + body.length;
        writeInt(ring, record + RecordDescriptor.LENGTH_OFFSET, length);
        writeInt(ring, record + RecordDescriptor.TYPE_OFFSET, RecordDescriptor.TYPE_INLINE);
        // records are numbered 0, 1, 2...: the next number is the ring's published count
        writeLong(ring, record + RecordDescriptor.SEQUENCE_OFFSET, readLong(ring,
            RingHeaderDescriptor.PUBLISHED_COUNT_OFFSET));
        if (commit) {
            writeLong(ring, record + RecordDescriptor.COMMIT_OFFSET, position);
        }
        return RecordDescriptor.aligned(length);
    }
}
