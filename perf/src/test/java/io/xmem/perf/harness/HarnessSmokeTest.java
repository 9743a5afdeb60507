package io.xmem.perf.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness end to end, small enough for CI: real child JVMs for xmem, floor, agrona-ring and uds,
 * one-way and round-trip, 32 B and 4 KiB, a few thousand messages each after a warm-up of at least
 * 200 messages and 0.2 s, children on the backoff idle strategy (busy-spinning pairs crawl on a loaded
 * 2-core CI machine). Asserts what the figures rest on — every message delivered once and in order,
 * only measured ones recorded, every process's measured window reported, histograms filled, the
 * report, goals, charts and README section written, no shared-memory file left behind — and no
 * timing at all.
 */
class HarnessSmokeTest {
    private static final List<String> SYSTEMS = List.of("xmem", "floor", "agrona-ring", "uds");
    private static final long MESSAGES = 2_000;
    private static final long WARMUP = 200;

    @TempDir
    Path out;

    @Test
    void everyRunDeliversEveryMessageAndTheReportIsWritten() throws Exception {
        String classPath = System.getProperty("java.class.path");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        String[] args = {"--quick", "--systems", String.join(",", SYSTEMS), "--sizes", "32,4k",
            "--mode", "one-way,round-trip", "--messages", Long.toString(MESSAGES), "--warmup", Long.toString(WARMUP),
            "--warmup-time", "200ms", "--idle", "backoff", "--out", out.toString()};
        Harness.Outcome outcome = Harness.run(args, classPath, new PrintStream(progress, true, StandardCharsets.UTF_8));
        String log = progress.toString(StandardCharsets.UTF_8);

        List<ConfigResult> results = outcome.results();
        assertEquals(SYSTEMS.size() * 2 * 2, results.size(), log);
        for (ConfigResult r : results) {
            assertEquals(ConfigResult.Status.OK, r.status(), r.config().id() + ": " + r.note() + "\n" + log);
            assertTrue(r.warmupMessages() >= WARMUP, r.config().id() + " warmed up with " + r.warmupMessages());
            for (ConfigResult.Receiver receiver : r.receivers()) {
                assertEquals(MESSAGES + r.warmupMessages(), receiver.received(), r.config().id());
                assertEquals(0, receiver.gaps(), r.config().id());
                assertEquals(0, receiver.dups(), r.config().id());
                assertEquals(MESSAGES, receiver.histogram().getTotalCount(), r.config().id());
            }
            assertEquals(1, r.receivers().size(), r.config().id());
            assertEquals(2, r.costs().size(), r.config().id());
            for (ProcessCosts c : r.costs()) {
                assertTrue(c.window() && c.cpuNanos() > 0, r.config().id() + " " + c.label() + ": no measured window");
            }
            assertTrue(r.latency().getMaxValue() > 0, r.config().id());
        }

        String md = Files.readString(outcome.report());
        for (String system : SYSTEMS) {
            assertTrue(md.contains("| " + system + " | 32 B | 1 |"), md);
            assertTrue(md.contains("| " + system + " | 4 KiB | 1 |"), md);
        }
        assertTrue(md.contains("n/a (xmem ring not yet built)") || Transports.has("xmem"), md);
        assertTrue(md.contains("## Goals") && md.contains("32 B one-way p50 ≤ agrona-ring"), md);
        assertTrue(md.contains("## Steady state"), md);
        String section = Files.readString(out.resolve(ReadmeSummary.FILE));
        assertTrue(section.contains("| 4 KiB | agrona-ring |") && section.contains(ReadmeSummary.DIR_TOKEN + "/"),
            section);
        for (String chart : List.of("latency-vs-size-one-way.svg", "latency-percentiles-one-way.svg",
            "latency-vs-size-round-trip.svg", "latency-percentiles-round-trip.svg")) {
            String svg = Files.readString(out.resolve(chart));
            assertTrue(svg.startsWith("<svg") && svg.contains("<polyline") && svg.contains("agrona-ring"), chart);
        }
        try (Stream<Path> hgrm = Files.list(out.resolve("hgrm"))) {
            assertEquals(results.size(), hgrm.filter(p -> p.toString().endsWith(".hgrm")).count());
        }
        assertEquals(List.of(), leftovers(Path.of("/dev/shm"), outcome.runIdPrefix()),
            "shared-memory files left behind");
        assertEquals(List.of(), leftovers(Path.of(System.getProperty("java.io.tmpdir")), outcome.runIdPrefix()),
            "socket files left behind");
        assertTrue(Files.notExists(out.resolve("work")), "child logs are kept only after a failure");
    }

    private static List<String> leftovers(Path dir, String runIdPrefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(runIdPrefix + "-")).sorted()
                .toList();
        }
    }
}
