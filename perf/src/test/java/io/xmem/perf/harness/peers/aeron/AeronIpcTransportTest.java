package io.xmem.perf.harness.peers.aeron;

import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import io.xmem.perf.harness.peers.PeerExchange;
import io.xmem.perf.harness.peers.PeerTransportContract;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The large-message case of the contract (64 KiB) is above one frame's 65472 bytes: offer fragments it. */
class AeronIpcTransportTest extends PeerTransportContract {
    private final AeronIpcTransport transport = new AeronIpcTransport();

    @Override
    protected Transport transport() {
        return transport;
    }

    @Test
    void termLengthFitsTheMessageWithinAeronsLimits() {
        assertEquals(64 << 20, AeronIpcTransport.termLengthFor(32));
        assertEquals(64 << 20, AeronIpcTransport.termLengthFor(8 << 20));
        assertEquals(128 << 20, AeronIpcTransport.termLengthFor((8 << 20) + 1));
        assertEquals(128 << 20, AeronIpcTransport.termLengthFor(16 << 20));
    }

    @Test
    void refusesMessagesAeronCannotCarry() {
        RunSpec spec = PeerExchange.spec(transport, 24 << 20, 1, 1);
        assertEquals(16 << 20, transport.maxMessageLength(spec));
        assertThrows(IllegalArgumentException.class, () -> transport.prepare(spec));
    }
}
