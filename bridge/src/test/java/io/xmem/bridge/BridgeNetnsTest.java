package io.xmem.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bridge across two network namespaces joined by a veth pair, so the datagrams leave the
 * loopback device and cross a real (virtual) link with the default 1500-byte MTU and Aeron's
 * default MTU. Needs root and {@code ip netns}; skipped with the reason where the machine does
 * not allow it. The namespaces and their addresses exist only for this test and are deleted
 * after it; no traffic goes anywhere else.
 */
class BridgeNetnsTest {
    @RegisterExtension
    final BridgeFixture fx = new BridgeFixture();

    @Test
    void recordsCrossAVethLinkBetweenTwoNetworkNamespaces() throws Exception {
        long id = ProcessHandle.current().pid() % 100_000;
        String nsA = "xmem-a-" + id;
        String nsB = "xmem-b-" + id;
        String failed = fx.addNamespace(nsA);
        assumeTrue(failed == null, () -> "network namespaces are not available here: " + failed);
        String failedB = fx.addNamespace(nsB);
        assumeTrue(failedB == null, () -> "network namespaces are not available here: " + failedB);
        String vethA = "xmva" + id;
        String vethB = "xmvb" + id;
        int subnet = (int) (id % 250) + 1; // 10.250.<subnet>.0/30, only inside these two namespaces
        String addrA = "10.250." + subnet + ".1";
        String addrB = "10.250." + subnet + ".2";
        for (String[] step : List.of(
            new String[] {"ip", "link", "add", vethA, "netns", nsA, "type", "veth", "peer", "name", vethB, "netns",
                nsB},
            new String[] {"ip", "-n", nsA, "addr", "add", addrA + "/30", "dev", vethA},
            new String[] {"ip", "-n", nsB, "addr", "add", addrB + "/30", "dev", vethB},
            new String[] {"ip", "-n", nsA, "link", "set", vethA, "up"},
            new String[] {"ip", "-n", nsB, "link", "set", vethB, "up"},
            new String[] {"ip", "-n", nsA, "link", "set", "lo", "up"},
            new String[] {"ip", "-n", nsB, "link", "set", "lo", "up"})) {
            String error = BridgeFixture.run(step);
            assumeTrue(error == null, () -> "cannot set up a veth pair between namespaces: " + error);
        }

        int records = 10_000;
        BridgeFixture.Host a = fx.host("a");
        BridgeFixture.Host b = fx.host("b");
        BridgeFixture.Link link = fx.link(a, nsA, b, nsB, "aeron:udp?endpoint=" + addrB + ":40456");
        Traffic.sendAllAndCheck(link, a, records);
        BridgeStats in = BridgeStats.ofRing(b.directory(), b.ringName()).getFirst();
        assertEquals(0, in.lost());
        assertEquals(records + 1, in.messages());
        link.egress().stop();
        link.ingress().stop();
    }
}
