package io.xmem.perf.harness.peers;

import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import io.xmem.perf.harness.peers.aeron.AeronIpcTransport;
import io.xmem.perf.harness.peers.chronicle.ChronicleQueueTransport;

import java.util.List;

/**
 * A look, not a benchmark: messages/s of each peer in one JVM (threads, one subscriber), to catch a
 * transport that is pathologically slow before a harness run. Run from perf/ with the test class
 * path and {@code ChronicleQueueTransport.JVM_FLAGS} plus Agrona's
 * {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}.
 */
public final class PeerRates {
    private PeerRates() {
    }

    public static void main(String[] args) throws Exception {
        List<Transport> transports = List.of(new AeronIpcTransport(), new ChronicleQueueTransport());
        int[] lengths = {32, 4096, 64 * 1024, 1 << 20};
        for (Transport t : transports) {
            for (int length : lengths) {
                long messages = Math.max(200, Math.min(500_000, (1L << 30) / length));
                RunSpec spec = PeerExchange.spec(t, length, 1, messages);
                PeerExchange.exchange(t, spec, 60); // warm-up
                double seconds = PeerExchange.exchange(t, PeerExchange.spec(t, length, 1, messages), 60);
                System.out.printf("%-16s %8d B  %,10d msgs  %,12.0f msgs/s  %,9.0f MB/s%n", t.name(), length, messages,
                    messages / seconds, messages * (double) length / seconds / 1e6);
            }
        }
    }
}
