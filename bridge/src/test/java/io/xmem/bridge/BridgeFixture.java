package io.xmem.bridge;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per test: "hosts" (a directory of their own under /dev/shm holding a pool and a ring), bridge
 * child processes, network namespaces, and their removal in {@code afterEach} whether the test
 * passed or not — children killed (and their Aeron directories deleted), handles closed,
 * namespaces deleted, host directories removed. On failure the children's output is printed.
 */
final class BridgeFixture implements AfterEachCallback {
    static final int STREAM = 1001;
    static final long BIG = 8L * 1024 * 1024;
    static final long HUGE = 24L * 1024 * 1024;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final List<Path> directories = new ArrayList<>();
    private final List<BridgeProcess> processes = new ArrayList<>();
    private final List<AutoCloseable> handles = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();

    /** A pool (8 MiB and 24 MiB buffers) and a reliable ring using it, in a directory of their own. */
    record Host(Path directory, String ringName, BufferPool pool, Ring ring) {
    }

    Host host(String label) throws IOException {
        Path dir = PoolConfig.DEFAULT_DIRECTORY.resolve("xmem-test-bridge-" + ProcessHandle.current().pid() + "-"
            + SEQUENCE.incrementAndGet() + "-" + label);
        directories.add(dir);
        Files.createDirectories(dir);
        BufferPool pool = track(BufferPool.create("frames", PoolConfig.builder().directory(dir)
            .sizeClass(BIG, 6).sizeClass(HUGE, 2).build()));
        Ring ring = track(Ring.create("md",
            RingConfig.builder().directory(dir).pool("frames").capacity(1 << 20).build()));
        return new Host(dir, "md", pool, ring);
    }

    <T extends AutoCloseable> T track(T handle) {
        handles.add(handle);
        return handle;
    }

    BridgeProcess bridge(String netns, String role, Host host, String channel) {
        BridgeProcess p = BridgeProcess.start(netns, role, host.ringName(), host.directory(), channel, STREAM);
        processes.add(p);
        return p;
    }

    /** A UDP port free on loopback at the moment. */
    static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs a command; its output if it failed, null if it succeeded. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e.getMessage(); // no such tool here
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + ": timed out";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + out.strip();
    }

    /** Adds network namespace {@code name}, deleted after the test; the failure's text, or null. */
    String addNamespace(String name) throws IOException, InterruptedException {
        String failed = run("ip", "netns", "add", name);
        if (failed == null) {
            namespaces.add(name);
        }
        return failed;
    }

    /**
     * A running link: the receiver on B's ring, then the ingress on B and the egress on A, both on
     * {@code channel}, each in namespace {@code nsA}/{@code nsB} (null: this one).
     */
    record Link(Traffic.Receiver receiver, BridgeProcess ingress, BridgeProcess egress) {
        String transcripts() {
            return "\n" + egress.transcript() + ingress.transcript();
        }
    }

    Link link(Host a, String nsA, Host b, String nsB, String channel) {
        Traffic.Receiver rx = track(new Traffic.Receiver(b.ring().subscription()));
        BridgeProcess ingress = bridge(nsB, "ingress", b, channel);
        return new Link(rx, ingress, bridge(nsA, "egress", a, channel));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        List<Throwable> problems = new ArrayList<>();
        List<AutoCloseable> closing = new ArrayList<>(processes); // children first: they use the files
        closing.addAll(handles.reversed());
        for (AutoCloseable c : closing) {
            if (failed && c instanceof BridgeProcess p) {
                System.err.println(p.transcript());
            }
            try {
                c.close();
            } catch (Throwable t) {
                problems.add(t);
            }
        }
        for (String ns : namespaces) {
            try {
                String error = run("ip", "netns", "del", ns);
                if (error != null) {
                    problems.add(new AssertionError("cannot delete network namespace: " + error));
                }
            } catch (Throwable t) {
                problems.add(t);
            }
        }
        for (Path dir : directories) {
            try {
                BridgeProcess.deleteTree(dir);
            } catch (Throwable t) {
                problems.add(t);
            }
        }
        if (!problems.isEmpty() && !failed) {
            throw new AssertionError("cleanup failed: " + problems, problems.getFirst());
        }
    }
}
