package io.xmem.bridge;

import io.xmem.ring.Publication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host A's ring (its own pool) → egress process → Aeron UDP on loopback → ingress process → host
 * B's ring (another pool, another directory), with real child JVMs and embedded media drivers.
 */
class BridgeLoopbackTest {
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    private static String channel(int port) {
        return "aeron:udp?endpoint=localhost:" + port + "|mtu=8192|term-length=8m";
    }

    @Test
    void everyRecordCrossesInOrderAndIntactIncludingA24MiBFrame() throws Exception {
        int records = 100_000;
        BridgeFixture.Host a = fx.host("a");
        BridgeFixture.Host b = fx.host("b");
        BridgeFixture.Link link = fx.link(a, null, b, null, channel(BridgeFixture.freePort()));
        BridgeProcess ingress = link.ingress();
        BridgeProcess egress = link.egress();

        Traffic.sendAllAndCheck(link, a, records);
        Traffic.Receiver rx = link.receiver();
        assertEquals(0, rx.missing());
        BridgeStats in = BridgeStats.ofRing(b.directory(), b.ringName()).getFirst();
        assertEquals("ingress", in.role());
        assertTrue(in.alive());
        assertEquals(records + 1, in.messages());
        assertEquals(0, in.lost());
        assertEquals(0, in.drops());
        assertEquals(0, in.malformed());
        assertEquals(records, in.lastSequence());
        BridgeStats out = BridgeStats.ofRing(a.directory(), a.ringName()).getFirst();
        assertEquals("egress", out.role());
        assertEquals(records + 1, out.messages());
        assertEquals(out.bytes(), in.bytes());
        assertEquals(out.fragments(), in.fragments());

        egress.stop();
        ingress.stop();
        assertFalse(BridgeProcess.hasDriverDirectory(egress.pid()), "the egress left its Aeron directory");
        assertFalse(BridgeProcess.hasDriverDirectory(ingress.pid()), "the ingress left its Aeron directory");
        BridgeStats stopped = BridgeStats.ofRing(b.directory(), b.ringName()).getFirst();
        assertFalse(stopped.alive());
        assertFalse(stopped.running());
        assertEquals(records + 1, stopped.messages());
    }

    @Test
    void aRestartedIngressRejoinsAndCountsExactlyWhatItMissed() throws Exception {
        BridgeFixture.Host a = fx.host("a");
        BridgeFixture.Host b = fx.host("b");
        String channel = channel(BridgeFixture.freePort());
        BridgeFixture.Link link = fx.link(a, null, b, null, channel);
        Traffic.Receiver rx = link.receiver();
        BridgeProcess first = link.ingress();
        BridgeProcess egress = link.egress();
        long phase1 = 10_000;
        long down = 3_000;
        long end = 20_000;
        try (Publication pub = a.ring().publication()) {
            Traffic.publish(pub, a.pool(), 0, phase1);
            assertTrue(rx.awaitThrough(phase1 - 1, Duration.ofSeconds(60)), () -> "received through " + rx.last());
            first.kill(); // idle: every record so far is in ring B, nothing half-delivered
            // Aeron's sender has a receiver window of credit left: what it sends now goes nowhere.
            Traffic.publish(pub, a.pool(), phase1, phase1 + down);
            Thread.sleep(500);
            BridgeProcess second = fx.bridge(null, "ingress", b, channel);
            Traffic.publish(pub, a.pool(), phase1 + down, end);
            assertTrue(rx.awaitThrough(end - 1, Duration.ofSeconds(60)), () -> "received through " + rx.last()
                + "\n" + egress.transcript() + second.transcript());
        }
        assertEquals(List.of(), rx.errors());
        BridgeStats in = BridgeStats.ofRing(b.directory(), b.ringName()).getFirst();
        long seen = rx.received();
        assertEquals(end, seen + rx.missing(), "every record was either received or skipped");
        assertTrue(rx.missing() > 0, "records sent while no ingress ran should have been lost");
        assertEquals(rx.missing(), in.lost(), "the ingress counts exactly the records the ring never got");
        assertEquals(seen, in.messages());
        assertEquals(end - 1, in.lastSequence());
        assertEquals(0, in.malformed());
    }
}
