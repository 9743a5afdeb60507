package io.xmem.perf.harness.peers.chronicle;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.nio.ByteOrder;
import java.nio.file.Path;

/** Opens the run's queue the same way in the publisher and every subscriber. */
final class Queues {
    private Queues() {
    }

    static SingleChronicleQueue open(Path dir) {
        // before the first Chronicle class initialises: no usage reporting from a benchmark
        System.setProperty("chronicle.analytics.disable", "true");
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            // Chronicle's Bytes read and write longs in native order; the message layout is little-endian
            throw new IllegalStateException("chronicle-queue transport assumes a little-endian machine");
        }
        return SingleChronicleQueueBuilder.binary(dir).build();
    }
}
