package io.xmem.perf.harness.peers.chronicle;

import io.xmem.perf.harness.MessageLayout;
import io.xmem.perf.harness.Transport;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/** Appends each message, copied whole from the publisher's own native buffer, as one excerpt. */
final class QueuePublisher implements Transport.Publisher {
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final BytesStore<?, Void> source;

    QueuePublisher(Path dir, int maxLength) {
        this.queue = Queues.open(dir);
        try {
            this.appender = queue.createAppender();
        } catch (IllegalStateException e) {
            queue.close();
            // without sun.nio.ch opened, Chronicle falls back to opening the queue read-only
            throw new IllegalStateException("Chronicle cannot append to " + dir + "; on JDK 25 its JVM needs "
                + ChronicleQueueTransport.JVM_FLAGS, e);
        }
        // the harness may build the publisher on one thread and offer on another
        appender.singleThreadedCheckDisabled(true);
        this.source = BytesStore.nativeStoreWithFixedCapacity(maxLength);
        for (int i = 0; i < maxLength; i++) {
            source.writeByte(i, MessageLayout.patternByte(i));
        }
    }

    @Override
    public boolean offer(long timestampNanos, long sequence, int length) {
        source.writeLong(MessageLayout.TIMESTAMP_OFFSET, timestampNanos);
        source.writeLong(MessageLayout.SEQUENCE_OFFSET, sequence);
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write((BytesStore<?, ?>) source, 0L, (long) length);
        }
        return true; // a journal: never back-pressured
    }

    @Override
    public void close() {
        appender.close();
        queue.close();
        source.releaseLast();
    }
}
