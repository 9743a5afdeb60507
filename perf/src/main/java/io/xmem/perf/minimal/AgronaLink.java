package io.xmem.perf.minimal;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Agrona's {@link OneToOneRingBuffer} over a {@code /dev/shm} file both processes map: the publisher
 * builds its message in its own buffer and {@code write}s it (one copy), the subscriber {@code read}s
 * in place. What Agrona's own samples do between two processes.
 */
final class AgronaLink extends ReceivedMessages implements MessageHandler {
    static final int CAPACITY = 4 << 20;
    static final int FILE_LENGTH = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
    private static final int MSG_TYPE = 1;

    private final OneToOneRingBuffer ring;
    private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH));

    AgronaLink(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ring = new OneToOneRingBuffer(new UnsafeBuffer(ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_LENGTH)));
        }
    }

    /** Makes the ring's file: a new tmpfs file reads as zeros, an empty ring. */
    static void create(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), FILE_LENGTH - 1);
        }
    }

    @Override
    public boolean send(long stamp, long sequence) {
        message.putLong(STAMP_OFFSET, stamp, ByteOrder.LITTLE_ENDIAN);
        message.putLong(SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
        return ring.write(MSG_TYPE, message, 0, LENGTH);
    }

    @Override
    public int poll(int limit) {
        return ring.read(this, limit);
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
        received(buffer, index, length);
    }

    @Override
    public void close() {
        // the mapping goes with the process; the parent deletes the file
    }
}
