package io.xmem.perf.harness.peers.aeron;

import io.aeron.AeronCounters;
import io.aeron.driver.status.StreamCounter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * How many subscriptions have joined one IPC publication: the driver allocates a subscriber-position
 * counter per subscription linked to it, keyed by the publication's session and stream ids. Read
 * only while the publisher waits for its subscribers, never per message.
 */
final class SubscriberCount {
    private final CountersReader counters;
    private final int sessionId;
    private final int streamId;

    SubscriberCount(CountersReader counters, int sessionId, int streamId) {
        this.counters = counters;
        this.sessionId = sessionId;
        this.streamId = streamId;
    }

    int count() {
        DirectBuffer meta = counters.metaDataBuffer();
        int count = 0;
        for (int id = 0, max = counters.maxCounterId(); id < max; id++) {
            int state = counters.getCounterState(id);
            if (state == CountersReader.RECORD_UNUSED) {
                break; // counters are allocated from the start: nothing beyond the first unused record
            }
            if (state == CountersReader.RECORD_ALLOCATED
                && counters.getCounterTypeId(id) == AeronCounters.DRIVER_SUBSCRIBER_POSITION_TYPE_ID) {
                int key = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
                if (meta.getInt(key + StreamCounter.SESSION_ID_OFFSET) == sessionId
                    && meta.getInt(key + StreamCounter.STREAM_ID_OFFSET) == streamId) {
                    count++;
                }
            }
        }
        return count;
    }
}
