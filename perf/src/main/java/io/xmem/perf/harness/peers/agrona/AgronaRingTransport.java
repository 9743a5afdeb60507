package io.xmem.perf.harness.peers.agrona;

import io.xmem.perf.harness.MessageLayout;
import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Agrona's {@link OneToOneRingBuffer} over a file in {@code /dev/shm}, mapped as a
 * {@link MappedByteBuffer} and wrapped in an {@link UnsafeBuffer}: the copy-based ring a user would
 * build from Agrona today.
 *
 * <p>Fairness: the publisher builds each message in its own direct buffer and copies the whole of it
 * into the ring with {@code tryClaim}/{@code putBytes}/{@code commit}; the subscriber reads the
 * header and the last 8 bytes in the ring's memory. Capacity (the ring's data area, plus Agrona's
 * trailer) = max(4 MiB, the next power of two ≥ 8 × the message length), because Agrona caps a
 * message at capacity / 8: 4 MiB for up to 512 KiB, 8 MiB for 1 MiB, 64 MiB for 8 MiB, 256 MiB for
 * 24 MiB. Largest message: 32 MiB (a 256 MiB ring; a {@code MappedByteBuffer} stops at 2 GiB).
 *
 * <p>Fan-out: {@code OneToOneRingBuffer} has one consumer, so fan-out uses one ring per subscriber
 * and the publisher copies each message once per subscriber (what a user of this ring would have
 * to do). Nothing is allocated per message.
 */
public final class AgronaRingTransport implements Transport {
    static final int MIN_CAPACITY = 4 * 1024 * 1024;
    static final int MAX_CAPACITY = 256 * 1024 * 1024;
    private static final int MSG_TYPE = 1;

    @Override
    public String name() {
        return "agrona-ring";
    }

    @Override
    public boolean supportsFanOut() {
        return true;
    }

    @Override
    public int maxMessageLength(RunSpec spec) {
        return MAX_CAPACITY / 8;
    }

    /** The ring's capacity for messages of {@code length} bytes (see the class comment). */
    public static int capacityFor(int length) {
        long needed = 8L * length;
        long capacity = Long.highestOneBit(Math.max(needed, 1));
        if (capacity < needed) {
            capacity <<= 1;
        }
        return (int) Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, capacity));
    }

    @Override
    public Map<String, String> prepare(RunSpec spec) throws IOException {
        int capacity = capacityFor(spec.messageLength());
        Map<String, String> prepared = new HashMap<>();
        prepared.put("capacity", Integer.toString(capacity));
        try {
            for (int i = 0; i < spec.subscribers(); i++) {
                Path file = Path.of("/dev/shm", "xmem-perf-" + spec.runId() + "-agrona-" + i);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                    prepared.put("file." + i, file.toString());
                    // a new tmpfs file reads as zeros: an empty ring, head = tail = 0
                    ch.write(ByteBuffer.allocate(1), (long) capacity + RingBufferDescriptor.TRAILER_LENGTH - 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            cleanUp(spec, prepared); // the harness never sees a half-prepared map
            throw e;
        }
        return prepared;
    }

    @Override
    public void cleanUp(RunSpec spec, Map<String, String> prepared) throws IOException {
        for (int i = 0; i < spec.subscribers(); i++) {
            String file = prepared.get("file." + i);
            if (file != null) {
                Files.deleteIfExists(Path.of(file));
            }
        }
    }

    @Override
    public Publisher publisher(RunSpec spec, Map<String, String> prepared) throws IOException {
        OneToOneRingBuffer[] rings = new OneToOneRingBuffer[spec.subscribers()];
        for (int i = 0; i < rings.length; i++) {
            rings[i] = open(prepared, i);
        }
        return new RingPublisher(rings, spec.messageLength());
    }

    @Override
    public Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) throws IOException {
        return new RingSubscriber(open(prepared, subscriberIndex));
    }

    private static OneToOneRingBuffer open(Map<String, String> prepared, int index) throws IOException {
        int length = Integer.parseInt(prepared.get("capacity")) + RingBufferDescriptor.TRAILER_LENGTH;
        try (FileChannel ch = FileChannel.open(Path.of(prepared.get("file." + index)), StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            return new OneToOneRingBuffer(new UnsafeBuffer(mapped));
        }
    }

    private static final class RingPublisher implements Publisher {
        private final OneToOneRingBuffer[] rings;
        private final UnsafeBuffer source;
        private int nextRing; // fan-out: rings before this one already hold the message being offered

        RingPublisher(OneToOneRingBuffer[] rings, int maxLength) {
            this.rings = rings;
            this.source = new UnsafeBuffer(ByteBuffer.allocateDirect(maxLength));
            for (int i = 0; i < maxLength; i++) {
                source.putByte(i, MessageLayout.patternByte(i));
            }
        }

        @Override
        public boolean offer(long timestampNanos, long sequence, int length) {
            source.putLong(MessageLayout.TIMESTAMP_OFFSET, timestampNanos, ByteOrder.LITTLE_ENDIAN);
            source.putLong(MessageLayout.SEQUENCE_OFFSET, sequence, ByteOrder.LITTLE_ENDIAN);
            for (; nextRing < rings.length; nextRing++) {
                OneToOneRingBuffer ring = rings[nextRing];
                int index = ring.tryClaim(MSG_TYPE, length);
                if (index < 0) {
                    return false; // the caller retries the same message; rings already done are skipped
                }
                ring.buffer().putBytes(index, source, 0, length);
                ring.commit(index);
            }
            nextRing = 0;
            return true;
        }

        @Override
        public void close() {
            // the mapping goes with the process; the harness deletes the file
        }
    }

    // CHECKSTYLE:OFF: Agrona's MessageHandler, spelled out: Transport.MessageHandler takes the simple name here
    private static final class RingSubscriber implements Subscriber, org.agrona.concurrent.MessageHandler {
        // CHECKSTYLE:ON
        private final OneToOneRingBuffer ring;
        private Transport.MessageHandler handler;
        private long touched; // a field store, so the JIT cannot drop the read of the last 8 bytes

        RingSubscriber(OneToOneRingBuffer ring) {
            this.ring = ring;
        }

        @Override
        public int poll(Transport.MessageHandler handler, int limit) {
            this.handler = handler;
            return ring.read(this, limit);
        }

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            long timestamp = buffer.getLong(index + MessageLayout.TIMESTAMP_OFFSET, ByteOrder.LITTLE_ENDIAN);
            long sequence = buffer.getLong(index + MessageLayout.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
            touched += buffer.getLong(index + MessageLayout.touchOffset(length), ByteOrder.LITTLE_ENDIAN);
            handler.onMessage(timestamp, sequence, length);
        }

        @Override
        public void close() {
            // the mapping goes with the process; the harness deletes the file
        }
    }
}
