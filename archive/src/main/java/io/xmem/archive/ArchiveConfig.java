package io.xmem.archive;

import io.xmem.pool.InvalidConfigException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where recordings live: an archive directory served by an Aeron Archive embedded in this process
 * (the default), or an Aeron Archive already running beside its own media driver.
 *
 * <pre>{@code
 * ArchiveConfig local = ArchiveConfig.builder().directory(Path.of("/var/lib/xmem/md")).build();
 * ArchiveConfig remote = ArchiveConfig.builder()
 *     .aeronDirectory("/dev/shm/aeron")                  // the archiving media driver's directory
 *     .controlChannel("aeron:ipc", 10)                   // its local control channel and stream
 *     .build();
 * }</pre>
 *
 * <p><b>Embedded.</b> The first xmem process to use a directory starts a media driver (in a fresh
 * {@code /dev/shm/xmem-archive-PID-N}) and an archive on it, and holds {@code xmem-archive.lock}
 * there; other xmem processes using the same directory meanwhile become clients of that archive
 * (a listing or a late joiner while a recorder runs). The archive stops when its process closes it
 * or dies; the next one to start recovers what the dead one left (Aeron fixes the catalog).
 *
 * <p><b>External.</b> With {@link Builder#aeronDirectory}, every operation is a client of the Aeron
 * Archive of that media driver, through {@link Builder#controlChannel} (IPC by default).
 */
public final class ArchiveConfig {
    /** The stream recordings are published on, and the alias their channel carries. */
    public static final int DEFAULT_STREAM_ID = 1016;
    public static final int DEFAULT_REPLAY_STREAM_ID = 1017;
    /** Aeron Archive's default local control stream. */
    public static final int DEFAULT_CONTROL_STREAM_ID = 10;
    /**
     * The recording publication: IPC, 16 MiB terms, frames of up to 64 KiB (65,504 bytes, so a
     * 24 MiB frame is 385 chunks).
     */
    public static final String DEFAULT_RECORDING_CHANNEL = "aeron:ipc?alias=xmem-recording|term-length=16m|mtu=65504";

    private final Path directory;
    private final String aeronDirectory;
    private final String controlChannel;
    private final int controlStreamId;
    private final String recordingChannel;
    private final int streamId;
    private final int replayStreamId;
    private final Supplier<IdleStrategy> idle;

    private ArchiveConfig(Builder b) {
        this.directory = b.directory;
        this.aeronDirectory = b.aeronDirectory;
        this.controlChannel = b.controlChannel;
        this.controlStreamId = b.controlStreamId;
        this.recordingChannel = b.recordingChannel;
        this.streamId = b.streamId;
        this.replayStreamId = b.replayStreamId;
        this.idle = b.idle;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The embedded archive's directory; null with an external archive. */
    public Path directory() {
        return directory;
    }

    /** The external media driver's directory; null for an embedded archive. */
    public String aeronDirectory() {
        return aeronDirectory;
    }

    public boolean external() {
        return aeronDirectory != null;
    }

    public String controlChannel() {
        return controlChannel;
    }

    public int controlStreamId() {
        return controlStreamId;
    }

    public String recordingChannel() {
        return recordingChannel;
    }

    public int streamId() {
        return streamId;
    }

    public int replayStreamId() {
        return replayStreamId;
    }

    /** A new idle strategy for one loop (recorder, replay). */
    public IdleStrategy newIdleStrategy() {
        return idle.get();
    }

    @Override
    public String toString() {
        return external() ? "the Aeron archive of " + aeronDirectory : "archive " + directory;
    }

    public static final class Builder {
        private Path directory;
        private String aeronDirectory;
        private String controlChannel = "aeron:ipc";
        private int controlStreamId = DEFAULT_CONTROL_STREAM_ID;
        private String recordingChannel = DEFAULT_RECORDING_CHANNEL;
        private int streamId = DEFAULT_STREAM_ID;
        private int replayStreamId = DEFAULT_REPLAY_STREAM_ID;
        private Supplier<IdleStrategy> idle = BackoffIdleStrategy::new;

        private Builder() {
        }

        /** The directory of an embedded archive (created if absent). */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Use the Aeron Archive of the media driver running in this directory instead of an embedded one. */
        public Builder aeronDirectory(String aeronDirectory) {
            this.aeronDirectory = aeronDirectory;
            return this;
        }

        /** An external archive's control request channel and stream (default {@code aeron:ipc}, 10). */
        public Builder controlChannel(String channel, int streamId) {
            this.controlChannel = Objects.requireNonNull(channel, "channel");
            this.controlStreamId = streamId;
            return this;
        }

        /** The IPC channel recordings are published on; its alias must stay {@code xmem-recording}. */
        public Builder recordingChannel(String channel) {
            this.recordingChannel = Objects.requireNonNull(channel, "channel");
            return this;
        }

        public Builder streamId(int streamId) {
            this.streamId = streamId;
            return this;
        }

        public Builder replayStreamId(int replayStreamId) {
            this.replayStreamId = replayStreamId;
            return this;
        }

        /** How a recorder or a replay waits when there is nothing to do; Agrona's backoff by default. */
        public Builder idle(Supplier<IdleStrategy> idle) {
            this.idle = Objects.requireNonNull(idle, "idle");
            return this;
        }

        public ArchiveConfig build() {
            if ((directory == null) == (aeronDirectory == null)) {
                throw new InvalidConfigException("an archive is either a directory (ArchiveConfig.builder()"
                    + ".directory(path)) or an external Aeron archive (.aeronDirectory(dir)): give exactly one");
            }
            if (!recordingChannel.startsWith("aeron:ipc") || !recordingChannel.contains("alias=xmem-recording")) {
                throw new InvalidConfigException("recordings go over aeron:ipc with alias=xmem-recording, not "
                    + recordingChannel);
            }
            return new ArchiveConfig(this);
        }
    }
}
