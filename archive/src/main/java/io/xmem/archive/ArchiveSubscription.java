package io.xmem.archive;

import io.aeron.archive.client.AeronArchive;
import io.xmem.archive.internal.ArchiveAccess;
import io.xmem.archive.internal.ArchiveErrors;
import io.xmem.archive.internal.RecordingDescriptor;
import io.xmem.archive.internal.RecordingReader;
import io.xmem.archive.internal.RecordingReader.RecordingEnd;
import io.xmem.archive.internal.RecordingReader.RecordingStart;
import io.xmem.archive.internal.RecordingReplay;
import io.xmem.archive.internal.RecordingScan;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.PoolConfig;
import io.xmem.ring.Message;
import io.xmem.ring.MessageHandler;
import io.xmem.ring.Ring;
import io.xmem.ring.Subscription;
import org.agrona.CloseHelper;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.xmem.archive.internal.MarkerDescriptor.REASON_DEVICE_BUFFER;

/**
 * A subscription that starts in a ring's recorded history and, optionally, carries on with the
 * live ring, without a gap or a duplicate: the late joiner's one call. History comes from every
 * recording of the ring in the archive, oldest first; the seam is decided by sequence numbers, as
 * Aeron's {@code ReplayMerge} decides it by stream positions.
 *
 * <pre>{@code
 * try (ArchiveSubscription quotes = ArchiveSubscription.lateJoin(archive, "md", Path.of("/dev/shm"))) {
 *     while (running) {
 *         if (quotes.poll(record -> trade(record.segment()), 256) == 0) {
 *             idle.idle();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>The seam.</b> History is replayed until the replay has caught up with what the recorder
 * has written; then this subscription joins the live ring (its first live record is numbered at
 * least the ring's published count {@code P} at that moment) and goes on with history until every
 * record below {@code P} has come from it; from then on records come from the ring, and any the
 * history already delivered are skipped by their sequence. While it finishes the history (the
 * recorder's lag, usually well under a ring's worth) its live subscription holds a reliable ring's
 * publisher back like any subscriber that has not read yet.
 *
 * <p><b>Gaps</b> are reported, never hidden: records no recording holds (no recorder ran, a lossy
 * ring overtook the recorder, a message cut off when a recorder died) and records a lossy ring
 * overtook this subscription by go to {@link RecordHandler#onGap} and {@link #missing()}.
 *
 * <p>Used by one thread. History payloads are copied out of the archive; live ones are read in
 * place in the ring, as a plain {@link Subscription} reads them.
 */
public final class ArchiveSubscription implements AutoCloseable {
    private static final long NONE = -1;
    private static final long CATCH_UP_CHECK_NANOS = 1_000_000;

    private enum State { HISTORY, TAIL, LIVE, DONE }

    private final ArchiveAccess access;
    private final String ringName;
    private final Path ringDirectory;
    private final boolean thenLive;
    private final long fromNanos;
    private final long toNanos;
    private final List<RecordingDescriptor> chain;
    private final RecordView view = new RecordView();
    private final HistorySink historySink = new HistorySink();
    private final MessageHandler liveHandler = this::onLive;
    private final long epochAtStart = System.currentTimeMillis() * 1_000_000L;
    private final long nanoAtStart = System.nanoTime();
    private State state = State.HISTORY;
    private int index;
    private RecordingReplay replay;
    private RecordingReader reader;
    private Ring ring;
    private Subscription live;
    private long joinCount;
    private boolean lossy;
    private long lastCatchUpCheck;
    private RecordHandler handler;
    private int delivered;
    private long nextSequence = NONE;
    private long historyRecords;
    private long liveRecords;
    private long missing;

    private ArchiveSubscription(Builder b, ArchiveAccess access, List<RecordingDescriptor> chain) {
        this.access = access;
        this.ringName = b.ring;
        this.ringDirectory = b.ringDirectory;
        this.thenLive = b.thenLive;
        this.fromNanos = b.from == null ? Long.MIN_VALUE : nanos(b.from);
        this.toNanos = b.to == null ? Long.MAX_VALUE : nanos(b.to);
        this.chain = chain;
    }

    /** The late joiner's call: every recorded record of ring {@code ring}, then its live records. */
    public static ArchiveSubscription lateJoin(ArchiveConfig archive, String ring, Path ringDirectory) {
        return builder(archive).ring(ring).ringDirectory(ringDirectory).thenLive(true).build();
    }

    public static Builder builder(ArchiveConfig archive) {
        return new Builder(archive);
    }

    /**
     * Delivers up to about {@code limit} records to {@code handler} (a batch frame of history is
     * delivered whole); returns how many. 0: nothing right now, or {@link #isDone()}.
     */
    public int poll(RecordHandler handler, int limit) {
        this.handler = handler;
        this.delivered = 0;
        switch (state) { // the handler's own exceptions reach the caller as they are
            case HISTORY, TAIL -> pollHistory(limit);
            case LIVE -> live.poll(liveHandler, limit);
            case DONE -> {
            }
        }
        return delivered;
    }

    private void pollHistory(int limit) {
        if (replay == null && !openNextReplay()) {
            historyExhausted();
            return;
        }
        int fragments;
        do { // the chunks of a large record deliver nothing until its last: a caller idles only when nothing came
            fragments = replay.poll(reader, Math.max(1, limit));
            reader.throwIfFailed(); // a damaged frame, or the handler's own exception
        } while (fragments > 0 && delivered == 0 && state != State.DONE);
        if (state == State.DONE) {
            closeReplay(); // past the end asked for
        } else if (replay.ended() && fragments == 0) {
            reader.finish();
            closeReplay();
            index++;
        } else if (fragments == 0 && state == State.HISTORY && thenLive && index == chain.size() - 1 && caughtUp()) {
            joinLive();
        }
        if (state == State.TAIL && nextSequence >= joinCount) {
            switchToLive();
        }
    }

    /** Starts replaying the next recording of the chain; false when none is left. */
    private boolean openNextReplay() {
        if (index >= chain.size()) {
            return false;
        }
        RecordingDescriptor d = chain.get(index);
        boolean newest = index == chain.size() - 1;
        long length;
        if (newest && thenLive && d.active()) {
            length = AeronArchive.REPLAY_ALL_AND_FOLLOW; // on as the recorder writes
        } else {
            length = Recordings.endPosition(access, d) - d.startPosition();
        }
        reader = new RecordingReader(d.recordingId(), historySink, true, false);
        replay = RecordingReplay.start(access, d.recordingId(), d.startPosition(), length);
        return true;
    }

    /** Whether the replay has delivered everything the recorder has written so far (checked at most every ms). */
    private boolean caughtUp() {
        long now = System.nanoTime();
        if (now - lastCatchUpCheck < CATCH_UP_CHECK_NANOS || replay.position() < 0) {
            return false;
        }
        lastCatchUpCheck = now;
        return replay.position() >= Recordings.endPosition(access, chain.get(index));
    }

    private void historyExhausted() {
        if (!thenLive) {
            state = State.DONE;
            return;
        }
        if (live == null) {
            joinLive();
        }
        switchToLive();
    }

    private void joinLive() {
        ring = Ring.open(ringName, ringDirectory);
        lossy = ring.stats().lossy();
        live = ring.subscription();
        joinCount = ring.publishedCount(); // every record numbered from here on reaches the live subscription
        state = State.TAIL;
    }

    private void switchToLive() {
        closeReplay();
        state = State.LIVE;
    }

    private void onLive(Message message) {
        long sequence = message.sequence();
        if (nextSequence != NONE && sequence < nextSequence) {
            return; // the history delivered it already
        }
        if (nextSequence != NONE && sequence > nextSequence) {
            gap(nextSequence, sequence - 1, lossy ? "overtaken in the lossy ring before this subscription read them"
                : "in no recording: the recorder was not running, or had not yet recorded them when it stopped");
        }
        nextSequence = sequence + 1;
        view.live(message, epochNanos());
        liveRecords++;
        delivered++;
        handler.onRecord(view);
    }

    private void gap(long from, long to, String why) {
        missing += to - from + 1;
        handler.onGap(from, to, why);
    }

    private long epochNanos() {
        return epochAtStart + (System.nanoTime() - nanoAtStart);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Whether records now come from the live ring. */
    public boolean isLive() {
        return state == State.LIVE;
    }

    /** Whether a history-only subscription has delivered all of it. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /** The sequence of the next record due; -1 before the first. */
    public long nextSequence() {
        return nextSequence;
    }

    public long historyRecords() {
        return historyRecords;
    }

    public long liveRecords() {
        return liveRecords;
    }

    /** Records reported to {@link RecordHandler#onGap}: in neither the archive nor the live ring. */
    public long missing() {
        return missing;
    }

    /** The recordings this subscription's history is made of, oldest first. */
    public List<Long> recordings() {
        return chain.stream().map(RecordingDescriptor::recordingId).toList();
    }

    private void closeReplay() {
        CloseHelper.closeAll(replay, reader);
        replay = null;
        reader = null;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(this::closeReplay, live, ring, access);
    }

    /** Records and markers of the history, in order, to the handler of the poll under way. */
    private final class HistorySink implements RecordingReader.Sink {
        @Override
        public void record(long sequence, boolean inline, long timestamp, long tag, long receivedAt, long length,
                           MemorySegment payload) {
            if (state == State.DONE || (nextSequence != NONE && sequence < nextSequence) || receivedAt < fromNanos) {
                return; // before the start asked for, or a second recorder's copy of what was delivered
            }
            if (receivedAt > toNanos) {
                state = State.DONE; // the replay closes once this frame is through
                return;
            }
            if (nextSequence != NONE && sequence > nextSequence) {
                gap(nextSequence, sequence - 1, "in no recording: no recorder was running");
            }
            nextSequence = sequence + 1;
            view.history(sequence, inline, timestamp, tag, receivedAt, payload);
            historyRecords++;
            delivered++;
            handler.onRecord(view);
        }

        @Override
        public void start(RecordingStart start) {
            lossy |= start.lossy();
        }

        @Override
        public void loss(long fromSequence, long count, int reason) {
            if (nextSequence == NONE || fromSequence + count <= nextSequence) {
                return;
            }
            long from = Math.max(fromSequence, nextSequence);
            gap(from, fromSequence + count - 1, reason == REASON_DEVICE_BUFFER
                ? "device (GPU) buffers, which the recorder cannot read" : "the lossy ring overtook the recorder");
            nextSequence = fromSequence + count;
        }

        @Override
        public void end(RecordingEnd end) {
        }

        @Override
        public void incomplete(long sequence, long received, long total) {
            if (nextSequence == NONE || sequence >= nextSequence) {
                gap(sequence, sequence, "cut off after " + received + " of " + total
                    + " bytes when its recorder stopped");
                nextSequence = sequence + 1;
            }
        }
    }

    public static final class Builder {
        private final ArchiveConfig archive;
        private String ring;
        private Path ringDirectory = PoolConfig.DEFAULT_DIRECTORY;
        private long recordingId = NONE;
        private boolean thenLive;
        private Instant from;
        private Instant to;

        private Builder(ArchiveConfig archive) {
            this.archive = Objects.requireNonNull(archive, "archive");
        }

        /** The ring whose recordings make the history (all of them, oldest first). */
        public Builder ring(String ring) {
            this.ring = Objects.requireNonNull(ring, "ring");
            return this;
        }

        /** Where the live ring is; {@code /dev/shm} by default. */
        public Builder ringDirectory(Path ringDirectory) {
            this.ringDirectory = Objects.requireNonNull(ringDirectory, "ringDirectory");
            return this;
        }

        /** One recording only, instead of every recording of the ring. */
        public Builder recording(long recordingId) {
            this.recordingId = recordingId;
            return this;
        }

        /** After the history, the live ring's records (needs the ring). */
        public Builder thenLive(boolean thenLive) {
            this.thenLive = thenLive;
            return this;
        }

        /** Only records the recorder received at or after {@code from}. */
        public Builder from(Instant from) {
            this.from = from;
            return this;
        }

        /** Only records the recorder received at or before {@code to} (history only). */
        public Builder to(Instant to) {
            this.to = to;
            return this;
        }

        public ArchiveSubscription build() {
            if (ring == null && recordingId == NONE) {
                throw new InvalidConfigException(
                    "an archive subscription needs a ring (its recordings) or a recording");
            }
            if (thenLive && to != null) {
                throw new InvalidConfigException("a subscription that goes live has no end: drop to(...) or thenLive");
            }
            ArchiveAccess access = ArchiveAccess.open(archive);
            try {
                List<RecordingDescriptor> chain = chain(access);
                if (ring == null) {
                    ring = ringOf(access, chain.getFirst());
                }
                return new ArchiveSubscription(this, access, chain);
            } catch (RuntimeException e) {
                access.close();
                throw ArchiveErrors.wrap("cannot subscribe to the history of " + (ring != null ? "ring '" + ring + "'"
                    : "recording " + recordingId), e);
            }
        }

        /**
         * The recordings to replay: the one asked for, or the ring's since it last numbered from
         * scratch (a ring recreated under the same name starts its published count again).
         */
        private List<RecordingDescriptor> chain(ArchiveAccess access) {
            List<RecordingDescriptor> all = Recordings.descriptors(access);
            if (recordingId != NONE) {
                List<RecordingDescriptor> one = all.stream().filter(d -> d.recordingId() == recordingId).toList();
                if (one.isEmpty()) {
                    throw new InvalidConfigException(archive + " has no xmem recording " + recordingId);
                }
                return one;
            }
            List<RecordingDescriptor> chain = new ArrayList<>();
            long joinedBefore = Long.MIN_VALUE;
            for (RecordingDescriptor d : all) {
                RecordingStart start = head(access, d);
                if (start == null || !start.ring().equals(ring)) {
                    continue;
                }
                if (start.joinedAt() < joinedBefore) {
                    chain.clear(); // a new ring of the same name: its history starts here
                }
                joinedBefore = start.joinedAt();
                if (from == null || d.active() || d.stopTimestamp() >= from.toEpochMilli()) {
                    chain.add(d);
                }
            }
            if (chain.isEmpty() && !thenLive) {
                throw new InvalidConfigException(archive + " has no recording of ring '" + ring + "'"
                    + (from == null ? "" : " since " + from));
            }
            return chain;
        }

        private static RecordingStart head(ArchiveAccess access, RecordingDescriptor d) {
            long end = Math.min(Recordings.endPosition(access, d), d.startPosition() + 4096);
            return RecordingScan.run(access, d, d.startPosition(), end, false).startMarker();
        }

        private String ringOf(ArchiveAccess access, RecordingDescriptor d) {
            RecordingStart start = head(access, d);
            if (start == null) {
                throw new CorruptArchiveException("recording " + d.recordingId() + " has no START marker: it is not "
                    + "an xmem recording, or its recorder died before writing anything");
            }
            return start.ring();
        }
    }
}
