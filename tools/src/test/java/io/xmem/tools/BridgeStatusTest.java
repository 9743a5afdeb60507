package io.xmem.tools;

import io.xmem.bridge.internal.CountersDescriptor;
import io.xmem.bridge.internal.CountersFile;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xmem stat NAME} shows the counters a bridge of ring NAME writes beside it, whether the
 * bridge is alive, and one clear line for a damaged counters file instead of failing.
 */
class BridgeStatusTest {
    @TempDir
    Path dir;

    private String stat(String name) {
        StringWriter out = new StringWriter();
        CommandLine cli = XmemCli.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("stat", name, "--dir", dir.toString()), out::toString);
        return out.toString();
    }

    private String ls() {
        StringWriter out = new StringWriter();
        CommandLine cli = XmemCli.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("ls", dir.toString()), out::toString);
        return out.toString();
    }

    @Test
    void statShowsTheBridgeCountersOfARing() throws Exception {
        String name = "xmem-tools-bridge-" + ProcessHandle.current().pid();
        PoolConfig config = PoolConfig.builder().directory(dir).sizeClass(4096, 4).build();
        try (BufferPool pool = BufferPool.create(name, config);
             Ring ring = Ring.create(name,
                 RingConfig.builder().directory(dir).pool(name).capacity(64 * 1024).build())) {
            try (CountersFile counters = CountersFile.open(dir.resolve(name + CountersDescriptor.INGRESS_SUFFIX),
                CountersDescriptor.ROLE_INGRESS, 7, "aeron:udp?endpoint=localhost:40456")) {
                counters.add(CountersDescriptor.MESSAGES_OFFSET, 12_345);
                counters.add(CountersDescriptor.LOST_OFFSET, 17);
                counters.set(CountersDescriptor.LAST_SEQUENCE_OFFSET, 12_361);
                String shown = stat(name);
                assertTrue(shown.contains("ingress bridge"), shown);
                assertTrue(shown.contains("aeron:udp?endpoint=localhost:40456 stream 7"), shown);
                assertTrue(shown.matches("(?s).*messages\\s+12345\\n.*"), shown);
                assertTrue(shown.matches("(?s).*lost\\s+17\\n.*"), shown);
                assertTrue(shown.matches("(?s).*last sequence\\s+12361\\n.*"), shown);
                assertTrue(shown.contains(", alive"), shown);
                String listed = ls();
                assertTrue(listed.matches("(?s).*bridge\\s+" + Pattern.quote(name + ".bridge-in")
                    + "\\s.*ingress, running \\(pid \\d+\\); 12345 messages, 17 lost.*"), listed);
            }
            assertTrue(stat(name).contains("not running"), "after the bridge closed");

            Path damaged = dir.resolve(name + CountersDescriptor.EGRESS_SUFFIX);
            Files.write(damaged, new byte[CountersDescriptor.FILE_LENGTH]); // right size, no magic
            String shown = stat(name);
            assertTrue(shown.contains("has no bridge magic"), shown);
            assertTrue(shown.contains("ingress bridge"), "the good file is still shown: " + shown);
            String listed = ls();
            assertTrue(listed.contains("ingress, not running"), listed);
            assertTrue(listed.contains("error: ") && listed.contains("has no bridge magic"), listed);
        }
    }
}
