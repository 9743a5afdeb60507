package io.xmem.tools;

import io.xmem.bridge.internal.CountersDescriptor;
import io.xmem.bridge.internal.CountersFile;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolSnapshot;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import io.xmem.ring.RingInspection;
import io.xmem.ring.RingSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xmem create pool|ring} (issue 15, item 9) and {@code xmem rm}, which removes what create made
 * and every other file of the name: a ring's bridge counters were listed by {@code ls} but {@code stat}
 * could not open them and {@code rm} left them behind (defect 4).
 */
class CreateAndRmTest {
    @TempDir
    Path dir;

    private final String name = "xmem-tools-create-" + ProcessHandle.current().pid();

    @AfterEach
    void delete() {
        Ring.delete(name, dir);
        BufferPool.delete(name, dir);
    }

    private CliRun xmem(String... args) {
        String[] withDir = Stream.concat(Stream.of(args), Stream.of("--dir", dir.toString())).toArray(String[]::new);
        return CliRun.of(withDir);
    }

    @Test
    void createMakesAPoolAndARingAsAskedAndTheyStay() throws IOException {
        CliRun pool = xmem("create", "pool", name, "--class", "4KiB:8", "--class", "64KiB:2", "--permissions",
            "rw-rw----", "--max-participants", "8");
        assertEquals(0, pool.code(), pool.all());
        assertEquals("created pool '" + name + "' in " + dir + ": 8 x 4 KiB + 2 x 64 KiB (160 KiB of buffers); "
            + "'xmem rm " + name + "' deletes it\n", pool.out());

        CliRun ring = xmem("create", "ring", name, "--pool", name, "--capacity", "64KiB", "--lossy",
            "--max-subscribers", "4");
        assertEquals(0, ring.code(), ring.all());
        assertTrue(ring.out().startsWith("created ring '" + name + "' in " + dir + ": 64 KiB of log, lossy, "
            + "references to pool '" + name + "', up to 4 subscribers"), ring.all());

        PoolSnapshot p = PoolInspection.inspect(name, dir);
        assertEquals(List.of(4096L, 65536L), p.sizeClasses().stream().map(PoolSnapshot.SizeClass::bufferSize).toList());
        assertEquals(10, p.totalFree());
        assertEquals(8, p.maxParticipants());
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(
            BufferPool.files(name, dir).getFirst())));
        RingSnapshot r = RingInspection.inspect(name, dir);
        assertTrue(r.stats().lossy() && r.stats().capacity() == 64 * 1024, r.toString());
        assertEquals(name, r.poolName());
        try (BufferPool opened = BufferPool.open(name, dir); Ring joined = Ring.open(name, dir)) {
            assertEquals(name, joined.name()); // another process could open both
        }
    }

    @Test
    void valuesThePoolOrRingDoNotTakeAreUsageErrorsAndWhatExistsIsAFailure() {
        assertEquals(0, xmem("create", "pool", name, "--class", "4096:4").code());
        CliRun again = xmem("create", "pool", name, "--class", "4096:4");
        assertEquals(1, again.code(), again.all());
        assertTrue(again.err().startsWith("xmem create pool: "), again.all());

        CliRun capacity = xmem("create", "ring", name, "--capacity", "1000");
        assertEquals(2, capacity.code(), capacity.all());
        assertTrue(capacity.err().startsWith("xmem create ring: ring capacity must be a power of two"),
            capacity.all());
        CliRun noCount = xmem("create", "pool", name + "-x", "--class", "4KiB");
        assertEquals(2, noCount.code(), noCount.all());
        assertTrue(noCount.err().contains("'4KiB' is not SIZE:COUNT, e.g. 8MiB:16"), noCount.all());
        CliRun noClass = xmem("create", "pool", name + "-x");
        assertEquals(2, noClass.code(), noClass.all());
        assertTrue(noClass.err().contains("Missing required option: '--class=SIZE:COUNT'"), noClass.all());
        CliRun noKind = CliRun.of("create");
        assertEquals(2, noKind.code(), noKind.all());
    }

    @Test
    void rmRemovesEveryFileOfTheNameAndStatAndRmTakeABridgeFileByItsName() throws IOException {
        BufferPool.create(name, PoolConfig.builder().directory(dir).sizeClass(4096, 4).build()).close();
        Ring.create(name, RingConfig.builder().directory(dir).pool(name).capacity(64 * 1024).build()).close();
        writeCounters(CountersDescriptor.EGRESS_SUFFIX, CountersDescriptor.ROLE_EGRESS);
        writeCounters(CountersDescriptor.INGRESS_SUFFIX, CountersDescriptor.ROLE_INGRESS);

        CliRun bridge = xmem("stat", name + ".bridge-in");
        assertEquals(0, bridge.code(), bridge.all());
        assertTrue(bridge.out().startsWith("ingress bridge (" + dir.resolve(name + ".bridge-in") + ")"), bridge.all());
        assertFalse(bridge.out().contains("ring '"), "that file only:\n" + bridge.all());

        CliRun one = xmem("rm", name + ".bridge-in");
        assertEquals(0, one.code(), one.all());
        assertEquals("deleted bridge-in '" + name + "' from " + dir + "\n", one.out());
        assertFalse(Files.exists(dir.resolve(name + ".bridge-in")));
        assertTrue(Files.exists(dir.resolve(name + ".bridge-out")), "only that file");

        CliRun all = xmem("rm", name);
        assertEquals(0, all.code(), all.all());
        assertEquals("deleted ring, pool and bridge-out '" + name + "' from " + dir + "\n", all.out());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "every file of the name is gone");
        }
    }

    private void writeCounters(String suffix, int role) {
        try (CountersFile counters = CountersFile.open(dir.resolve(name + suffix), role, 1001,
            "aeron:udp?endpoint=localhost:40456")) {
            counters.add(CountersDescriptor.MESSAGES_OFFSET, 3);
        }
    }
}
