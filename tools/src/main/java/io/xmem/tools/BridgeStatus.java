package io.xmem.tools;

import io.xmem.bridge.BridgeStats;
import io.xmem.pool.XmemException;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The part of {@code xmem stat NAME} that shows the bridges of ring NAME (NAME.bridge-out, NAME.bridge-in). */
final class BridgeStatus {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(ZoneId.systemDefault());

    private BridgeStatus() {
    }

    /** Prints a block per bridge file of the ring; a damaged file is one line saying so, never a failure. */
    static void print(PrintWriter out, Path dir, String ring) {
        for (String suffix : List.of(".bridge-out", ".bridge-in")) {
            Path file = dir.resolve(ring + suffix);
            if (!Files.exists(file)) {
                continue;
            }
            out.println();
            BridgeStats s;
            try {
                s = BridgeStats.read(file);
            } catch (XmemException e) {
                out.printf("bridge %s: %s%n", file, e.getMessage());
                continue;
            }
            out.printf("%s bridge (%s)%n", s.role(), file);
            out.printf("  %-15s %d, %s%s, started %s%n", "pid", s.pid(), s.alive() ? "alive" : "not running",
                s.alive() || !s.running() ? "" : " (died without stopping)",
                TIME.format(Instant.ofEpochMilli(s.startMillis())));
            out.printf("  %-15s %s stream %d%n", "channel", s.channel(), s.streamId());
            out.printf("  %-15s %d%n", "messages", s.messages());
            out.printf("  %-15s %s%n", "bytes", Bytes.format(s.bytes()));
            out.printf("  %-15s %d%n", "chunks", s.fragments());
            out.printf("  %-15s %d%n", "back-pressure", s.backPressured());
            out.printf("  %-15s %d%n", "drops", s.drops());
            out.printf("  %-15s %d%n", "lost", s.lost());
            out.printf("  %-15s %d%n", "last sequence", s.lastSequence());
            out.printf("  %-15s %d%n", "malformed", s.malformed());
        }
    }
}
