package io.xmem.perf.harness.peers.chronicle;

import io.xmem.perf.harness.MessageLayout;
import io.xmem.perf.harness.Transport;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/** A tailer from the start of the queue: reads each excerpt's header and last 8 bytes in the mapped file. */
final class QueueSubscriber implements Transport.Subscriber {
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private long touched; // a field store, so the JIT cannot drop the read of the last 8 bytes

    QueueSubscriber(Path dir) {
        this.queue = Queues.open(dir);
        this.tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true);
    }

    @Override
    public int poll(Transport.MessageHandler handler, int limit) {
        int delivered = 0;
        while (delivered < limit) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                Bytes<?> bytes = dc.wire().bytes();
                long start = bytes.readPosition();
                int length = (int) bytes.readRemaining();
                long timestamp = bytes.readLong(start + MessageLayout.TIMESTAMP_OFFSET);
                long sequence = bytes.readLong(start + MessageLayout.SEQUENCE_OFFSET);
                touched += bytes.readLong(start + MessageLayout.touchOffset(length));
                delivered++;
                handler.onMessage(timestamp, sequence, length);
            }
        }
        return delivered;
    }

    @Override
    public void close() {
        tailer.close();
        queue.close();
    }
}
