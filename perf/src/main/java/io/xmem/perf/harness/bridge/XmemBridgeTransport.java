package io.xmem.perf.harness.bridge;

import io.xmem.perf.harness.HelperJvm;
import io.xmem.perf.harness.RunSpec;
import io.xmem.perf.harness.Transport;
import io.xmem.perf.harness.xmem.XmemRingTransport;
import io.xmem.ring.Ring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * xmem across the bridge on loopback: the publisher writes ring A exactly as {@link XmemRingTransport}
 * does (inline up to 1 KiB, else by reference to a pool buffer); an egress JVM reads ring A and sends
 * each payload on Aeron UDP; an ingress JVM receives it into ring B (small messages inline, large ones
 * into buffers of pool B, chunk by chunk); the subscribers read ring B as {@code XmemRingTransport}'s
 * do. Compared with {@link AeronUdpTransport}, which measures the same channel, the same media driver
 * (both bridge nodes are clients of the run's one driver, as the raw publisher and subscriber are)
 * and the same settings: the difference is the bridge's two extra hops through shared memory, its
 * chunking, and its copies (ring A → term buffer, term buffer → ring B or pool B).
 *
 * <p>The bridge nodes wait with the run's idle strategy ({@code --idle}); on a 2-core machine, the
 * default busy-spin gives four spinning processes two cores, so run it with {@code --idle backoff}
 * there. The publisher holds back until every subscriber has joined ring B (else the ingress would
 * drop what nobody reads yet).
 */
public final class XmemBridgeTransport implements Transport {
    private static final long NODE_START_TIMEOUT_MS = 30_000;
    private static final long NODE_STOP_TIMEOUT_MS = 10_000;
    private final XmemRingTransport rings = new XmemRingTransport();
    private final AeronUdpTransport udp = new AeronUdpTransport();

    @Override
    public String name() {
        return "xmem-bridge";
    }

    @Override
    public boolean supportsFanOut() {
        return true;
    }

    @Override
    public int maxMessageLength(RunSpec spec) {
        return rings.maxMessageLength(spec);
    }

    private static RunSpec side(RunSpec spec, String host) {
        return new RunSpec(spec.transport(), spec.mode(), spec.messageLength(), spec.subscribers(), spec.messages(),
            spec.warmupMessages(), spec.warmupNanos(), spec.ratePerSecond(), spec.burst(), spec.workDir(),
            spec.runId() + "-" + host);
    }

    /** One side's names; inline sizes have no pool (see XmemRingTransport), so "pool" may be absent. */
    private static Map<String, String> host(Map<String, String> prepared, String host) {
        Map<String, String> side = new HashMap<>();
        side.put("ring", prepared.get(host + ".ring"));
        if (prepared.get(host + ".pool") != null) {
            side.put("pool", prepared.get(host + ".pool"));
        }
        return side;
    }

    @Override
    public Map<String, String> prepare(RunSpec spec) throws Exception {
        Map<String, String> prepared = new HashMap<>();
        try {
            for (String host : List.of("a", "b")) {
                rings.prepare(side(spec, host)).forEach((k, v) -> prepared.put(host + "." + k, v));
            }
            prepared.putAll(udp.prepare(spec));
            String idle = System.getProperty("xmem.perf.bridge.idle", "backoff");
            prepared.put("ingress.pid", startNode(spec, "ingress", prepared.get("b.ring"), prepared, idle));
            prepared.put("egress.pid", startNode(spec, "egress", prepared.get("a.ring"), prepared, idle));
            return prepared;
        } catch (Exception | Error e) {
            cleanUp(spec, prepared);
            throw e;
        }
    }

    private static String startNode(RunSpec spec, String role, String ring, Map<String, String> prepared, String idle)
        throws Exception {
        Files.createDirectories(spec.workDir());
        Path log = spec.workDir().resolve(spec.runId() + "-bridge-" + role + ".log");
        List<String> args = List.of(role, ring, prepared.get(AeronUdpTransport.CHANNEL_KEY), "1002",
            prepared.get("dir"), idle);
        return Long.toString(HelperJvm.start("bridge " + role, BridgeNode.class, args, log, BridgeNode.READY,
            Duration.ofMillis(NODE_START_TIMEOUT_MS)));
    }

    @Override
    public void cleanUp(RunSpec spec, Map<String, String> prepared) throws Exception {
        for (String role : List.of("egress", "ingress")) {
            HelperJvm.stop(prepared.get(role + ".pid"), Duration.ofMillis(NODE_STOP_TIMEOUT_MS)); // SIGTERM: it closes
        }
        try {
            udp.cleanUp(spec, prepared);
        } finally {
            for (String host : List.of("a", "b")) {
                if (prepared.containsKey(host + ".ring")) {
                    rings.cleanUp(side(spec, host), host(prepared, host));
                    Files.deleteIfExists(Path.of("/dev/shm", prepared.get(host + ".ring") + ".bridge-out"));
                    Files.deleteIfExists(Path.of("/dev/shm", prepared.get(host + ".ring") + ".bridge-in"));
                }
            }
        }
    }

    @Override
    public Publisher publisher(RunSpec spec, Map<String, String> prepared) {
        Publisher inner = rings.publisher(spec, host(prepared, "a"));
        Ring far = Ring.open(prepared.get("b.ring"));
        return new Publisher() {
            private boolean joined;

            @Override
            public boolean offer(long timestampNanos, long sequence, int length) {
                if (!joined && !(joined = far.stats().subscribers().size() >= spec.subscribers())) {
                    return false; // the ingress would drop what no subscriber of ring B reads yet
                }
                return inner.offer(timestampNanos, sequence, length);
            }

            @Override
            public void close() throws Exception {
                try {
                    inner.close();
                } finally {
                    far.close();
                }
            }
        };
    }

    @Override
    public Subscriber subscriber(RunSpec spec, Map<String, String> prepared, int subscriberIndex) {
        return rings.subscriber(spec, host(prepared, "b"), subscriberIndex);
    }
}
