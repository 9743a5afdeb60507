package io.xmem.bridge;

import io.xmem.bridge.internal.CountersFile;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.shm.ByteLocks;
import io.xmem.pool.internal.shm.OpenFiles;

import io.xmem.ring.Ring;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.xmem.bridge.internal.CountersDescriptor.*;

/**
 * A snapshot of one bridge's counters, read from its counters file ({@code NAME.bridge-out} or
 * {@code NAME.bridge-in} next to ring NAME) by any process; the file is untrusted and every field
 * is checked. Layout: {@code bridge/LAYOUT.md}.
 *
 * <pre>{@code
 * for (BridgeStats s : BridgeStats.ofRing(Path.of("/dev/shm"), "md")) {
 *     System.out.println(s.role() + " lost " + s.lost());
 * }
 * }</pre>
 *
 * @param ring           the ring the bridge reads (egress) or writes (ingress)
 * @param role           {@code egress} or {@code ingress}
 * @param alive          whether the process that wrote it still holds the file's lock
 * @param running        whether it said it was running (false after a clean stop)
 * @param pid            the bridge process
 * @param startMillis    when it started, epoch milliseconds
 * @param streamId       the Aeron stream id
 * @param channel        the Aeron channel (cut at 256 bytes)
 * @param messages       messages sent (egress) or delivered into the ring (ingress)
 * @param bytes          their payload bytes
 * @param fragments      Aeron messages (chunks) sent or received
 * @param backPressured  messages that waited: on Aeron (egress) or on the local ring (ingress)
 * @param drops          messages dropped on purpose (lossy ring under back-pressure, no subscriber, no buffer)
 * @param lost           ingress: messages never received whole, from gaps in the bridge sequence
 * @param lastSequence   bridge sequence of the last whole message; -1 before the first
 * @param malformed      ingress: chunks rejected as not the bridge's format
 */
public record BridgeStats(String ring, String role, boolean alive, boolean running, long pid, long startMillis,
                          int streamId, String channel, long messages, long bytes, long fragments, long backPressured,
                          long drops, long lost, long lastSequence, long malformed) {

    /** The counters files of ring {@code ring} in {@code directory} (egress first); empty if none. */
    public static List<BridgeStats> ofRing(Path directory, String ring) {
        List<BridgeStats> found = new ArrayList<>();
        for (Path file : files(ring, directory)) {
            if (Files.isRegularFile(file)) {
                found.add(read(file));
            }
        }
        return found;
    }

    /**
     * The counters files the bridges of ring {@code ring} keep in {@code directory}: the egress's, then the
     * ingress's ({@code NAME.bridge-out}, {@code NAME.bridge-in}); they need not exist. For tools that list,
     * watch or clean up; {@link io.xmem.pool.InvalidNameException} for a name that is not a ring's.
     *
     * <pre>{@code
     * Path egressCounters = BridgeStats.files("md", Path.of("/dev/shm")).getFirst();
     * }</pre>
     */
    public static List<Path> files(String ring, Path directory) {
        Ring.files(ring, directory); // the ring's name rule: a name that stays in its directory
        return List.of(directory.resolve(ring + EGRESS_SUFFIX), directory.resolve(ring + INGRESS_SUFFIX));
    }

    /** Reads and checks one counters file; {@link XmemException} if it is not one. */
    public static BridgeStats read(Path file) {
        String name = file.getFileName().toString();
        if (name.lastIndexOf(".bridge-") <= 0) {
            throw new XmemException(file + " is not a bridge counters file (NAME.bridge-out or NAME.bridge-in)");
        }
        // A bridge running in this JVM is read through its own mapping: opening and closing the
        // file here would drop its lock (Java's file locks are per process).
        return OpenFiles.withLocks(file, file,
            e -> new XmemException("no bridge counters file " + file + ": is the bridge running?", e),
            (locks, open) -> open instanceof CountersFile running ? parse(file, running.snapshot(), true)
                : readFile(file, locks));
    }

    private static BridgeStats readFile(Path file, ByteLocks locks) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(FILE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.size() != FILE_LENGTH || ch.read(b, 0) != FILE_LENGTH) {
                throw corrupt(file, "is " + ch.size() + " bytes, not " + FILE_LENGTH);
            }
            // The writer holds an exclusive lock on byte 0 while it runs; a shared probe succeeds once it is gone.
            return parse(file, b, locks.isHeld(0));
        } catch (NoSuchFileException e) {
            throw new XmemException("no bridge counters file " + file + ": is the bridge running?", e);
        } catch (IOException e) {
            throw new XmemException("cannot read bridge counters file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks and decodes the bytes of a counters file. Package-private: a running bridge reads
     * its own mapping through this (opening the file again would drop its own lock: Java's
     * file locks are per process, and closing any channel of the file releases them).
     */
    static BridgeStats parse(Path file, ByteBuffer b, boolean alive) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf(".bridge-");
        if (b.getInt(MAGIC_OFFSET) != MAGIC) {
            throw corrupt(file, "has no bridge magic");
        }
        if (b.getInt(VERSION_OFFSET) != VERSION) {
            throw corrupt(file, "has layout version " + b.getInt(VERSION_OFFSET) + ", this xmem reads " + VERSION);
        }
        int role = b.getInt(ROLE_OFFSET);
        if (role != ROLE_EGRESS && role != ROLE_INGRESS || !name.endsWith(suffix(role))) {
            throw corrupt(file, "names role " + role + ", which its file name does not match");
        }
        int channelLength = b.getInt(CHANNEL_LENGTH_OFFSET);
        if (channelLength < 0 || channelLength > MAX_CHANNEL_LENGTH) {
            throw corrupt(file, "has a channel of " + channelLength + " bytes (0.." + MAX_CHANNEL_LENGTH + ")");
        }
        String channel;
        try {
            channel = StandardCharsets.UTF_8.newDecoder().decode(b.slice(CHANNEL_OFFSET, channelLength)).toString();
        } catch (CharacterCodingException e) {
            channel = "(not UTF-8)"; // a URI cut mid-character, or damage: the counters are still worth showing
        }
        return new BridgeStats(name.substring(0, dot), role == ROLE_EGRESS ? "egress" : "ingress", alive,
            b.getInt(STATE_OFFSET) == STATE_RUNNING, b.getLong(PID_OFFSET), b.getLong(START_TIME_OFFSET),
            b.getInt(STREAM_ID_OFFSET), channel, b.getLong(MESSAGES_OFFSET), b.getLong(BYTES_OFFSET),
            b.getLong(FRAGMENTS_OFFSET), b.getLong(BACK_PRESSURE_OFFSET), b.getLong(DROPS_OFFSET),
            b.getLong(LOST_OFFSET), b.getLong(LAST_SEQUENCE_OFFSET), b.getLong(MALFORMED_OFFSET));
    }

    private static XmemException corrupt(Path file, String what) {
        return new XmemException("bridge counters file " + file + " " + what + ": not written by this xmem, or "
            + "damaged; delete it (a bridge recreates it on start)");
    }
}
