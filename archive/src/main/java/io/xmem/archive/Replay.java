package io.xmem.archive;

import io.xmem.archive.internal.RingWriter;
import io.xmem.pool.InvalidConfigException;
import io.xmem.ring.Ring;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes a recorded history into a ring, byte for byte and in order, with each record's
 * timestamp and tag: inline records inline (if they fit), referenced payloads in buffers of the
 * ring's pool. At the original pace (the recorder's receive times, scaled by {@code speed}) or as
 * fast as the ring takes them; with {@code thenLive}, on to the source ring's live records.
 *
 * <pre>{@code
 * ArchiveSubscription history = ArchiveSubscription.builder(archive).ring("md").build();
 * try (Replay replay = Replay.into(history, "md-replayed", Path.of("/dev/shm"), Replay.ORIGINAL_SPEED)) {
 *     replay.run();                                 // returns when the history is through, or on stop()
 * }
 * }</pre>
 *
 * The target ring exists already (its pool too, with size classes for the largest records); the
 * replay waits while it back-pressures or has no subscriber, so nothing replayed is dropped.
 */
public final class Replay implements AutoCloseable {
    public static final double ORIGINAL_SPEED = 1.0;
    /** As fast as the ring takes the records. */
    public static final double MAX_SPEED = Double.POSITIVE_INFINITY;
    private static final int POLL_LIMIT = 256;
    private static final long MAX_PARK_NANOS = 1_000_000;

    private final ArchiveSubscription source;
    private final Ring ring;
    private final RingWriter writer;
    private final IdleStrategy idle;
    private final double speed;
    private final RecordHandler handler = this::publish;
    private volatile boolean running = true;
    private long firstReceivedAt = Long.MIN_VALUE;
    private long startNanos;
    private long published;

    private Replay(ArchiveSubscription source, Ring ring, IdleStrategy idle, double speed) {
        this.source = source;
        this.ring = ring;
        this.idle = idle;
        this.speed = speed;
        this.writer = new RingWriter(ring, idle, () -> running);
    }

    /**
     * A replay of {@code source} into ring {@code ring} (in {@code directory}); closing it closes the
     * source too. {@code speed}: 1 the original pace, 2 twice as fast, {@link #MAX_SPEED}.
     */
    public static Replay into(ArchiveSubscription source, String ring, Path directory, double speed) {
        if (!(speed > 0)) {
            source.close();
            throw new InvalidConfigException("replay speed must be positive (1: original pace), not " + speed);
        }
        Ring target = null;
        try {
            target = Ring.open(ring, directory);
            return new Replay(source, target, new BackoffIdleStrategy(), speed);
        } catch (RuntimeException e) {
            CloseHelper.quietCloseAll(target, source);
            throw e;
        }
    }

    /** One poll of the source, its records published; returns how many. */
    public int doWork() {
        return source.poll(handler, POLL_LIMIT);
    }

    /** Runs until the history is through (a history-only source) or {@link #stop()}. */
    public void run() {
        while (running && !source.isDone()) {
            idle.idle(doWork());
        }
    }

    public void stop() {
        running = false;
    }

    /** Records published into the ring so far. */
    public long published() {
        return published;
    }

    public ArchiveSubscription source() {
        return source;
    }

    private void publish(RecordView record) {
        if (!record.isLive()) {
            pace(record.receivedAt());
        }
        if (writer.publish(record.segment(), record.isInline(), record.timestamp(), record.tag())) {
            published++;
        }
    }

    /** Waits until the record's time has come: its receive time's distance from the first, over speed. */
    private void pace(long receivedAt) {
        if (speed == MAX_SPEED) {
            return;
        }
        if (firstReceivedAt == Long.MIN_VALUE) {
            firstReceivedAt = receivedAt;
            startNanos = System.nanoTime();
            return;
        }
        long due = startNanos + (long) ((receivedAt - firstReceivedAt) / speed);
        long left;
        while (running && (left = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(left, MAX_PARK_NANOS));
        }
    }

    @Override
    public void close() {
        CloseHelper.closeAll(writer, ring, source);
    }
}
