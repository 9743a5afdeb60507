package io.xmem.perf.harness.bridge;

import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import io.xmem.perf.harness.peers.aeron.AeronIpcTransport;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Raw Aeron over UDP on loopback: the baseline of {@link XmemBridgeTransport}, with the same
 * channel and the same media driver settings. Everything but the channel is
 * {@link AeronIpcTransport}'s (one Java media driver in its own JVM, {@code SHARED} threading,
 * {@code tryClaim} for one-frame messages, a {@code FragmentAssembler} on the subscriber, the same
 * fairness rules): the publisher's and the subscriber's clients share that driver, which sends the
 * datagrams to itself through the loopback device.
 *
 * <p>The channel is {@link #channel}: {@code aeron:udp?endpoint=127.0.0.1:PORT|term-length=T|mtu=M}
 * with {@code M} = Aeron's default 1408 (what crosses a 1500-byte Ethernet link; set
 * {@code -Dxmem.perf.udp.mtu} on the harness JVM for jumbo frames) and {@code T} = max(16 MiB, the
 * next power of two ≥ 8 × the message), because Aeron caps a message at T / 8.
 */
public final class AeronUdpTransport implements Transport {
    /** The key under which {@link AeronIpcTransport#prepare} hands its children the channel. */
    static final String CHANNEL_KEY = "channel";
    private static final int MIN_TERM_LENGTH = 16 * 1024 * 1024;
    private static final int MAX_TERM_LENGTH = 1 << 30;

    private final AeronIpcTransport driver = new AeronIpcTransport();

    @Override
    public String name() {
        return "aeron-udp";
    }

    @Override
    public boolean supportsFanOut() {
        return true;
    }

    @Override
    public int maxMessageLength(RunSpec spec) {
        return driver.maxMessageLength(spec);
    }

    /** The UDP channel both the raw Aeron run and the bridge use for messages of {@code length} bytes. */
    static String channel(int length) throws IOException {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long term = Long.highestOneBit(Math.max(1, 8L * length - 1)) << 1;
        int termLength = (int) Math.min(MAX_TERM_LENGTH, Math.max(MIN_TERM_LENGTH, term));
        return "aeron:udp?endpoint=127.0.0.1:" + port + "|term-length=" + termLength + "|mtu="
            + Integer.getInteger("xmem.perf.udp.mtu", 1408);
    }

    @Override
    public Map<String, String> prepare(RunSpec spec) throws Exception {
        Map<String, String> prepared = new HashMap<>(driver.prepare(spec));
        prepared.put(CHANNEL_KEY, channel(spec.messageLength()));
        return prepared;
    }

    @Override
    public void cleanUp(RunSpec spec, Map<String, String> prepared) throws Exception {
        driver.cleanUp(spec, prepared);
    }

    @Override
    public Publisher publisher(RunSpec spec, Map<String, String> prepared) {
        return driver.publisher(spec, prepared);
    }

    @Override
    public Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) {
        return driver.subscriber(spec, prepared, subscriberIndex);
    }
}
