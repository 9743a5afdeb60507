package io.xmem.perf.harness.peers.chronicle;

import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import io.xmem.perf.harness.peers.PeerExchange;
import io.xmem.perf.harness.peers.PeerTransportContract;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Needs {@link ChronicleQueueTransport#JVM_FLAGS} on the test JVM (surefire's argLine in perf/pom.xml). */
class ChronicleQueueTransportTest extends PeerTransportContract {
    private final ChronicleQueueTransport transport = new ChronicleQueueTransport();

    @Override
    protected Transport transport() {
        return transport;
    }

    @Test
    void largestMessageLeavesRoomForTheWholeRun() {
        RunSpec few = PeerExchange.spec(transport, 32, 1, 10);
        RunSpec many = PeerExchange.spec(transport, 32, 1, 1_000_000_000L);
        assertTrue(transport.maxMessageLength(few) > transport.maxMessageLength(many),
            "the more messages a run keeps in the journal, the smaller each may be");
        assertTrue(transport.maxMessageLength(few) <= ChronicleQueueTransport.MAX_EXCERPT_LENGTH);
    }
}
