package io.xmem.tools;

import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xmem bridge in} on a UDP port another process holds (issue 15, defect 5): one line that
 * says so and what to do, exit 1, instead of Aeron's 27-line stack trace.
 */
class BridgeCommandTest {
    @TempDir
    Path dir;

    @Test
    void anIngressOnAPortInUseSaysSoInOneLine() throws Exception {
        String name = "xmem-tools-bridge-port-" + ProcessHandle.current().pid();
        PoolConfig pool = PoolConfig.builder().directory(dir).sizeClass(4096, 4).build();
        RingConfig ring = RingConfig.builder().directory(dir).pool(name).capacity(64 * 1024).build();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             BufferPool p = BufferPool.create(name, pool);
             Ring r = Ring.create(name, ring)) {
            String channel = "aeron:udp?endpoint=127.0.0.1:" + taken.getLocalPort();

            CliRun run = CliRun.of("bridge", "in", name, "--dir", dir.toString(), "--channel", channel,
                "--interval", "0", "--duration", "1");

            assertEquals(1, run.code(), run.all());
            List<String> lines = run.err().lines().toList();
            assertEquals(1, lines.size(), run.all());
            assertTrue(lines.getFirst().startsWith("xmem bridge in: Aeron refused to receive on " + channel
                + " stream 1001: "), run.all());
            assertTrue(lines.getFirst().contains("Address already in use")
                && lines.getFirst().endsWith("choose another port in --channel or stop that process"), run.all());
            assertFalse(run.err().contains("\tat "), "no stack trace\n" + run.all());
        } finally {
            Ring.delete(name, dir);
            BufferPool.delete(name, dir);
        }
    }
}
