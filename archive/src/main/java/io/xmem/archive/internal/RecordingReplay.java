package io.xmem.archive.internal;

import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;

/**
 * One replay of one recording from the archive into this process over IPC: the subscription, its
 * image once the archive's replay publication connects, and the end of a bounded replay.
 */
public final class RecordingReplay implements AutoCloseable {
    private final AeronArchive archive;
    private final long replaySessionId;
    private final Subscription subscription;
    private Image image;
    private boolean stopped;

    private RecordingReplay(AeronArchive archive, long replaySessionId, Subscription subscription) {
        this.archive = archive;
        this.replaySessionId = replaySessionId;
        this.subscription = subscription;
    }

    /**
     * Replays {@code length} bytes of {@code recordingId} from {@code position}
     * ({@link AeronArchive#REPLAY_ALL_AND_FOLLOW}: on as the recording grows, until it stops).
     */
    public static RecordingReplay start(ArchiveAccess access, long recordingId, long position, long length) {
        AeronArchive archive = access.archive();
        int stream = access.config().replayStreamId();
        long session;
        try {
            session = archive.startReplay(recordingId, position, length, CommonContext.IPC_CHANNEL, stream);
        } catch (RuntimeException e) {
            throw ArchiveErrors.wrap("cannot replay recording " + recordingId + " from position " + position, e);
        }
        String channel = ChannelUri.addSessionId(CommonContext.IPC_CHANNEL, (int) session);
        return new RecordingReplay(archive, session, access.aeron().addSubscription(channel, stream));
    }

    /** Delivers up to {@code limit} frames to {@code handler}; 0 also while the replay is connecting. */
    public int poll(FragmentHandler handler, int limit) {
        if (image == null) {
            image = subscription.imageCount() > 0 ? subscription.imageAtIndex(0) : null;
            if (image == null) {
                return 0;
            }
        }
        return image.poll(handler, limit);
    }

    /** Whether a bounded replay delivered its last frame (or the archive ended it). */
    public boolean ended() {
        return image != null && (image.isEndOfStream() || image.isClosed());
    }

    /** The recording position replayed so far; -1 before the replay connected. */
    public long position() {
        return image == null ? -1 : image.position();
    }

    @Override
    public void close() {
        if (!stopped) {
            stopped = true;
            if (!ended()) {
                try {
                    archive.stopReplay(replaySessionId);
                } catch (RuntimeException ignored) { // it may have ended on its own meanwhile
                }
            }
            CloseHelper.close(subscription);
        }
    }
}
