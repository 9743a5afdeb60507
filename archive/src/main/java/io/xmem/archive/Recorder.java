package io.xmem.archive;

import io.aeron.ChannelUri;
import io.aeron.ExclusivePublication;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import io.xmem.archive.internal.ArchiveAccess;
import io.xmem.archive.internal.ArchiveErrors;
import io.xmem.archive.internal.Markers;
import io.xmem.bridge.internal.ChunkSender;
import io.xmem.bridge.internal.WorkLoop;
import io.xmem.pool.XmemException;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.xmem.archive.internal.MarkerDescriptor.*;
import static io.xmem.bridge.internal.ChunkDescriptor.*;

/**
 * Follows a ring as a subscriber and records every record into an Aeron Archive recording: inline
 * and referenced payloads of any size, by content, with sequence, timestamp and tag. Small records
 * go into batch frames (dozens per Aeron frame), large ones into chunks of up to 64 KiB, in the
 * bridge's wire format; a 24 MiB frame is one logical record of 385 chunks.
 *
 * <pre>{@code
 * ArchiveConfig archive = ArchiveConfig.builder().directory(Path.of("/var/lib/xmem/archive")).build();
 * try (Recorder recorder = Recorder.launch(archive, "md", Path.of("/dev/shm"))) {
 *     Runtime.getRuntime().addShutdownHook(new Thread(() -> recorder.stopAndAwaitClose(5_000)));
 *     recorder.run();                                   // until stop(); or call doWork() from your loop
 * }
 * }</pre>
 *
 * <p><b>Time.</b> Every record carries the recorder's receive time (epoch nanoseconds, monotonic
 * within one recording) in Aeron's frame header: records of one poll share it. Inline records have
 * no timestamp of their own, and a reference's timestamp is whatever its publisher put there, so
 * replay at the original pace and {@code --from/--to} go by the receive time.
 *
 * <p><b>Flow control.</b> The recorder is an ordinary subscriber of the ring: a reliable ring waits
 * for it as for any subscriber, and it waits for the archive (Aeron's IPC flow control), which
 * writes to the page cache. In a lossy ring, records that overtook it are noted in the recording
 * (a LOSS marker with the first sequence and the count), never silently skipped.
 *
 * <p><b>Crashes.</b> A recorder killed with {@code kill -9} loses what it had not handed to the
 * archive (with an embedded archive, also what the archive had not yet written); the recording
 * stays readable up to its last whole record. A new recorder starts a new recording;
 * {@link Recordings#list} and every replay report the records between the two as not recorded.
 */
public final class Recorder implements AutoCloseable {
    private static final int POLL_LIMIT = 256;
    private static final long CLOSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long NONE = -1;

    private final ArchiveAccess access;
    private final Ring ring;
    private final ExclusivePublication publication;
    private final long recordingId;
    private final int positionCounter;
    private final WorkLoop loop;
    private final IdleStrategy idle;
    private final ChunkSender sender;
    private final MessageHandler handler = this::record;
    private final long epochAtStart = System.currentTimeMillis() * 1_000_000L;
    private final long nanoAtStart = System.nanoTime();
    private Subscription subscription;
    private long closeDeadline = Long.MAX_VALUE;
    private boolean closed;
    private long now;
    private long next = NONE;
    private long batchFirst = NONE;
    private long records;
    private long bytes;
    private long missing;
    private long first = NONE;
    private long last = NONE;

    private Recorder(ArchiveAccess access, Ring ring, ExclusivePublication publication, long recordingId,
                     int positionCounter) {
        this.access = access;
        this.ring = ring;
        this.publication = publication;
        this.recordingId = recordingId;
        this.positionCounter = positionCounter;
        this.loop = new WorkLoop(access.config().newIdleStrategy());
        this.idle = loop.idle();
        this.sender = new ChunkSender(publication, idle, false, this::mayWait);
    }

    /**
     * Starts recording ring {@code ringName} (in {@code ringDirectory}) into a new recording of the
     * archive: opens the archive (embedded: starts it), the recording, then joins the ring.
     */
    public static Recorder launch(ArchiveConfig archive, String ringName, Path ringDirectory) {
        ArchiveAccess access = ArchiveAccess.open(archive);
        Ring ring = null;
        ExclusivePublication publication = null;
        try {
            ring = Ring.open(ringName, ringDirectory);
            publication = access.aeron().addExclusivePublication(archive.recordingChannel(), archive.streamId());
            String own = ChannelUri.addSessionId(archive.recordingChannel(), publication.sessionId());
            access.archive().startRecording(own, archive.streamId(), SourceLocation.LOCAL);
            int counter = awaitRecording(access, publication.sessionId());
            Recorder recorder = new Recorder(access, ring, publication, RecordingPos.getRecordingId(
                access.aeron().countersReader(), counter), counter);
            recorder.join();
            return recorder;
        } catch (RuntimeException e) {
            CloseHelper.quietCloseAll(publication, ring, access);
            throw ArchiveErrors.wrap("cannot record ring '" + ringName + "' into " + archive, e);
        }
    }

    private static int awaitRecording(ArchiveAccess access, int sessionId) {
        CountersReader counters = access.aeron().countersReader();
        long deadline = System.nanoTime() + CLOSE_TIMEOUT_NANOS;
        int counter;
        while ((counter = RecordingPos.findCounterIdBySession(counters, sessionId, access.archive().archiveId()))
            == CountersReader.NULL_COUNTER_ID) {
            if (System.nanoTime() - deadline > 0) {
                throw new XmemException("the archive did not start the recording within 10 s");
            }
            Thread.onSpinWait();
        }
        return counter;
    }

    /** Joins the ring once the recording runs, and writes the START marker first. */
    private void join() {
        subscription = ring.subscription();
        now = epochNanos();
        long joinedAt = ring.publishedCount();
        marker(joinedAt, START, Markers.start(ring.name(), ring.stats().lossy(), ring.capacity(), joinedAt, now));
    }

    /** One poll of the ring, its records handed to the archive; returns how many. */
    public int doWork() {
        now = epochNanos();
        int read = subscription.poll(handler, POLL_LIMIT);
        flush();
        return read;
    }

    /** Runs {@link #doWork()} on this thread until {@link #stop()}, idling when the ring is quiet. */
    public void run() {
        loop.run(this::doWork);
    }

    /** Asks {@link #run()} to return. */
    public void stop() {
        loop.stop();
    }

    /** Stops and waits up to {@code timeoutMillis} for {@link #close()} to finish; for shutdown hooks. */
    public boolean stopAndAwaitClose(long timeoutMillis) {
        try {
            return loop.stopAndAwaitClosed(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void record(Message message) {
        long sequence = message.sequence();
        if (next != NONE && sequence != next) {
            flush();
            lost(next, sequence - next, REASON_OVERTAKEN); // a lossy ring passed us by
        }
        next = sequence + 1;
        if (message.isDevice()) {
            flush();
            lost(sequence, 1, REASON_DEVICE_BUFFER);
            return;
        }
        MemorySegment payload = message.segment();
        boolean userHeader = !message.isInline(); // a reference keeps its timestamp and tag, even zeros
        if (!sender.fitsBatch(payload.byteSize(), userHeader)) {
            flush();
            int result = sender.send(sequence, payload, message.timestamp(), message.tag(),
                message.isInline() ? FLAG_INLINE : 0, now);
            if (result == ChunkSender.SENT) {
                counted(sequence, sequence, 1, payload.byteSize());
            }
            return;
        }
        int flags = (message.isInline() ? ENTRY_FLAG_INLINE : 0) | (userHeader ? ENTRY_FLAG_USER_HEADER : 0);
        if (!sender.append(payload, message.timestamp(), message.tag(), flags)) {
            flush();
            sender.append(payload, message.timestamp(), message.tag(), flags);
        }
        if (batchFirst == NONE) {
            batchFirst = sequence;
        }
    }

    private void flush() {
        int pending = sender.pendingMessages();
        if (pending == 0) {
            return;
        }
        long bytesPending = sender.pendingBytes();
        long from = batchFirst;
        batchFirst = NONE;
        if (sender.flush(from, now) == ChunkSender.SENT) {
            counted(from, from + pending - 1, pending, bytesPending);
        }
    }

    private void counted(long from, long to, long count, long payloadBytes) {
        if (first == NONE) {
            first = from;
        }
        last = to;
        records += count;
        bytes += payloadBytes;
    }

    private void lost(long from, long count, int reason) {
        missing += count;
        marker(from, LOSS, Markers.loss(count, reason));
    }

    private void marker(long sequence, int kind, MemorySegment body) {
        sender.send(sequence, body, 0, kind, FLAG_MARKER, now);
    }

    /** While running, or closing and not yet given up on the archive: wait on back-pressure. */
    private boolean mayWait() {
        return loop.isRunning() || System.nanoTime() - closeDeadline < 0;
    }

    private long epochNanos() {
        return epochAtStart + (System.nanoTime() - nanoAtStart);
    }

    /** The Aeron Archive recording this recorder writes. */
    public long recordingId() {
        return recordingId;
    }

    /**
     * Whether the archive has written everything handed to it so far (its recording position has
     * reached the publication's): from then on a kill -9 of this process loses none of it.
     */
    public boolean isArchived() {
        return access.aeron().countersReader().getCounterValue(positionCounter) >= publication.position();
    }

    /** What has been handed to the archive so far. */
    public RecorderStats stats() {
        return new RecorderStats(recordingId, ring.name(), records, bytes, missing, first, last);
    }

    /**
     * Leaves the ring, writes the END marker, waits (up to 10 s) until the archive has everything,
     * stops the recording and closes the archive (an embedded one stops).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.stop();
        closeDeadline = System.nanoTime() + CLOSE_TIMEOUT_NANOS;
        try {
            subscription.close();
            now = epochNanos();
            flush();
            marker(next, END, Markers.end(records, bytes, missing, first, last, now));
            awaitArchived();
            access.archive().stopRecording(publication);
        } catch (RuntimeException e) {
            throw ArchiveErrors.wrap("stopping the recording of ring '" + ring.name() + "'", e);
        } finally {
            CloseHelper.closeAll(publication, ring, access);
            loop.closed();
        }
    }

    private void awaitArchived() {
        while (!isArchived() && mayWait()) {
            idle.idle();
        }
    }
}
