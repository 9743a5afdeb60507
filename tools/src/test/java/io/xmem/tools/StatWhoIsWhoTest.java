package io.xmem.tools;

import io.xmem.launch.ChildProcess;
import io.xmem.launch.JvmCommand;
import io.xmem.launch.Launcher;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Ring;
import io.xmem.ring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xmem stat} tells who is who (issue 15, item 10): a publisher JVM and a subscriber JVM,
 * each with a label, on a ring bound to a pool; stat shows the publisher row, the subscriber with its
 * label, the pool's participants with their roles, and with {@code --watch} the rates, the payload
 * moved by reference among them; {@code --json} says the same for scripts.
 */
class StatWhoIsWhoTest {
    private static final Duration READY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Launcher launcher = new Launcher();
    private final String name = "xmem-tools-who-" + ProcessHandle.current().pid();
    private ChildProcess publisher;
    private ChildProcess subscriber;

    @BeforeEach
    void startRoles() {
        BufferPool.create(name, PoolConfig.builder().directory(dir).sizeClass(4096, 64).build()).close();
        Ring.create(name, RingConfig.builder().directory(dir).pool(name).capacity(64 * 1024).build()).close();
        subscriber = start("subscribe", "reader-7");
        publisher = start("publish", "feed-3");
    }

    private ChildProcess start(String role, String label) {
        ChildProcess child = launcher.start(JvmCommand.of(RingRole.class).label(label)
            .flags("-Dxmem.label=" + label, "--enable-native-access=ALL-UNNAMED").args(role, name, dir.toString()));
        child.awaitLine("ready", READY);
        return child;
    }

    @AfterEach
    void stopRoles() {
        try {
            launcher.close();
        } finally {
            Ring.delete(name, dir);
            BufferPool.delete(name, dir);
        }
    }

    @Test
    void statShowsThePublisherTheSubscriberAndEachParticipantsRoleWithLabels() {
        CliRun run = CliRun.of("stat", name, "--dir", dir.toString());

        assertEquals(0, run.code(), run.all());
        assertRow(run, "^publishers \\(1\\):$");
        assertRow(run, "^\\s+0 exclusive\\s+" + publisher.pid() + " yes\\s+\\S+\\s+feed-3$");
        assertRow(run, "^\\s+\\d+\\s+" + subscriber.pid() + " yes\\s+\\d+\\s+\\d+\\s+0\\s+reader-7$");
        assertRow(run, "^\\s+\\d+\\s+" + publisher.pid() + " yes\\s+\\d+\\s+\\S+ \\S+\\s+publisher of '" + name
            + "'\\s+feed-3$");
        assertRow(run, "^\\s+\\d+\\s+" + subscriber.pid() + " yes\\s+\\d+\\s+\\S+ \\S+\\s+subscriber of '" + name
            + "'\\s+reader-7$");
    }

    @Test
    void watchShowsThePayloadMovedByReferenceBesideTheLogsBytes() {
        CliRun run = CliRun.of("stat", name, "--dir", dir.toString(), "--watch", "0.5", "--iterations", "2");

        assertEquals(0, run.code(), run.all());
        Matcher rate = find(run,
            "rate\\s+(\\d+) records/s, (\\S+ \\S+)/s of log, (\\S+ \\S+)/s of payload by reference");
        long records = Long.parseLong(rate.group(1));
        assertTrue(records > 0, run.all());
        // 1000 bytes by reference per 64-byte record: far more payload than log
        assertTrue(bytes(rate.group(3)) > 10 * bytes(rate.group(2)), rate.group());
        find(run, "index\\s+pid\\s+alive\\s+position\\s+lag bytes\\s+lost\\s+read/s\\s+label");
    }

    @Test
    void jsonSaysTheSameForScripts() {
        CliRun once = CliRun.of("stat", name, "--dir", dir.toString(), "--json");
        assertEquals(0, once.code(), once.all());
        List<String> lines = once.out().lines().toList();
        assertEquals(1, lines.size(), once.all());
        String json = lines.getFirst();
        assertTrue(json.startsWith("{\"name\":\"" + name + "\",\"directory\":\"" + dir + "\""), json);
        assertTrue(json.contains("\"publishers\":[{\"id\":0,\"kind\":\"exclusive\",\"pid\":" + publisher.pid()
            + ",\"pidHere\":null,\"alive\":true,"), json);
        assertTrue(json.contains("\"label\":\"feed-3\"") && json.contains("\"label\":\"reader-7\""), json);
        assertTrue(json.contains("\"roles\":[\"publisher of '" + name + "'\"]"), json);
        assertTrue(json.contains("\"rate\":null"), "no rate on the first look: " + json);

        CliRun watch = CliRun.of("stat", name, "--dir", dir.toString(), "--json", "--watch", "0.5",
            "--iterations", "2");
        List<String> looks = watch.out().lines().toList();
        assertEquals(2, looks.size(), "JSON Lines, one per look:\n" + watch.all());
        Matcher referenced = Pattern.compile("\"referencedBytesPerSecond\":([0-9.]+)").matcher(looks.getLast());
        assertTrue(referenced.find() && Double.parseDouble(referenced.group(1)) > 0, looks.getLast());

        CliRun ls = CliRun.of("ls", dir.toString(), "--json");
        assertTrue(ls.out().contains("{\"kind\":\"ring\",\"name\":\"" + name + "\""), ls.all());
        assertTrue(ls.out().contains("\"liveParticipants\":2"), ls.all());
    }

    @Test
    void rmRefusesWhileTheLabelledProcessesUseTheRing() {
        CliRun refused = CliRun.of("rm", name, "--dir", dir.toString());
        assertEquals(1, refused.code(), refused.all());
        assertTrue(refused.err().contains("pids [") && refused.err().contains(Long.toString(publisher.pid()))
            && refused.err().contains(Long.toString(subscriber.pid())), refused.all());

        subscriber.stop(READY); // the publisher alone still uses the ring: its live publication counts
        CliRun ringOnly = CliRun.of("rm", name + ".ring", "--dir", dir.toString());
        assertEquals(1, ringOnly.code(), ringOnly.all());
        assertTrue(ringOnly.err().contains("(pids [" + publisher.pid() + "])"), ringOnly.all());
    }

    /** "3.9 MiB" back to bytes, near enough to compare rates. */
    private static double bytes(String shown) {
        String[] parts = shown.split(" ");
        int unit = List.of("B", "KiB", "MiB", "GiB", "TiB").indexOf(parts[1]);
        return Double.parseDouble(parts[0]) * Math.pow(1024, unit);
    }

    private static Matcher find(CliRun run, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(run.out());
        assertTrue(m.find(), "no /" + regex + "/ in\n" + run.all());
        return m;
    }

    private static void assertRow(CliRun run, String regex) {
        find(run, regex);
    }
}
