package io.xmem.perf.harness.peers;

import io.xmem.perf.harness.Transport;
import org.junit.jupiter.api.Test;

/**
 * What every peer transport must do for the harness, checked in one JVM: a publisher feeds two
 * subscribers a few thousand messages, small and large, each seen once and in order, and
 * {@code cleanUp} leaves nothing behind in {@code /dev/shm} ({@link PeerExchange}).
 */
public abstract class PeerTransportContract {
    protected abstract Transport transport();

    @Test
    void smallMessagesReachTwoSubscribersInOrder() throws Exception {
        Transport transport = transport();
        PeerExchange.exchange(transport, PeerExchange.spec(transport, 32, 2, 5_000), 15);
    }

    @Test
    void largeMessagesReachTwoSubscribersInOrder() throws Exception {
        Transport transport = transport();
        PeerExchange.exchange(transport, PeerExchange.spec(transport, 64 * 1024, 2, 2_000), 15);
    }
}
