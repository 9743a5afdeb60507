package io.xmem.archive.internal;

import io.aeron.Aeron;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveMarkFile;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.xmem.archive.ArchiveConfig;
import io.xmem.bridge.internal.AeronMedia;
import io.xmem.pool.XmemException;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A client of the archive an {@link ArchiveConfig} names, and whatever had to be started for it:
 * for a directory nobody serves, a media driver and an Aeron Archive embedded here (owner); for a
 * directory another xmem process serves, a client of that process's archive; for an external
 * archive, a client of it. Closing stops what this process started, in reverse order.
 */
public final class ArchiveAccess implements AutoCloseable {
    /** Embedded drivers' directories under /dev/shm: {@code xmem-archive-PID-N}. */
    public static final String EMBEDDED_PREFIX = "xmem-archive-";
    private static final long OWNER_WAIT_MS = 10_000;

    private final ArchiveConfig config;
    private final ArchiveDirectory directory;
    private final AeronMedia media;
    private final Archive archive;
    private final AeronArchive client;

    private ArchiveAccess(ArchiveConfig config, ArchiveDirectory directory, AeronMedia media, Archive archive,
                          AeronArchive client) {
        this.config = config;
        this.directory = directory;
        this.media = media;
        this.archive = archive;
        this.client = client;
    }

    public static ArchiveAccess open(ArchiveConfig config) {
        if (config.external()) {
            return client(config, AeronMedia.connect(config.aeronDirectory()), config.controlChannel(),
                config.controlStreamId());
        }
        ArchiveDirectory taken = ArchiveDirectory.tryTake(config.directory());
        if (taken == null) {
            Map<String, String> owner = ArchiveDirectory.readAnnouncement(config.directory(), OWNER_WAIT_MS);
            if (!owner.containsKey("aeron.dir") || !owner.containsKey("control.stream")) {
                throw new XmemException(config + " is held by another process (pid " + owner.getOrDefault("pid", "?")
                    + ") that did not say where its archive is within " + OWNER_WAIT_MS / 1000 + " s");
            }
            return client(config, AeronMedia.connect(owner.get("aeron.dir")), "aeron:ipc",
                Integer.parseInt(owner.get("control.stream")));
        }
        return own(config, taken);
    }

    private static ArchiveAccess client(ArchiveConfig config, AeronMedia media, String channel, int stream) {
        try {
            return new ArchiveAccess(config, null, media, null, connect(media.aeron(), channel, stream));
        } catch (RuntimeException e) {
            media.close();
            throw ArchiveErrors.wrap("cannot reach " + config, e);
        }
    }

    /** Starts a driver and an archive on the directory this process just took. */
    private static ArchiveAccess own(ArchiveConfig config, ArchiveDirectory taken) {
        AeronMedia media = null;
        Archive archive = null;
        try {
            media = AeronMedia.connect(null, EMBEDDED_PREFIX);
            archive = launch(config.directory(), media.directory(), taken);
            AeronArchive client = connect(media.aeron(), archive.context().localControlChannel(),
                archive.context().localControlStreamId());
            taken.announce(media.directory(), archive.context().localControlStreamId());
            return new ArchiveAccess(config, taken, media, archive, client);
        } catch (RuntimeException e) {
            CloseHelper.quietCloseAll(archive, media, taken);
            throw ArchiveErrors.wrap("cannot start an archive in " + config.directory(), e);
        }
    }

    private static Archive launch(Path directory, String aeronDirectory, ArchiveDirectory taken) {
        try {
            return Archive.launch(archiveContext(directory, aeronDirectory));
        } catch (RuntimeException e) { // Agrona's MarkFile says so with an IllegalStateException
            boolean stale = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("active mark file");
            if (!stale || taken.previousOwner().isEmpty()) {
                throw e;
            }
            // We hold the directory's lock, so the xmem process that ran its archive is gone (killed:
            // it could not stop Aeron's liveness clock). Its mark file says otherwise for 10 s more.
            deleteStaleMarkFile(directory);
            return Archive.launch(archiveContext(directory, aeronDirectory));
        }
    }

    private static Archive.Context archiveContext(Path directory, String aeronDirectory) {
        return new Archive.Context()
            .aeronDirectoryName(aeronDirectory)
            .archiveDirectoryName(directory.toString())
            .controlChannelEnabled(false) // IPC only: no UDP port to clash with anyone's
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:ipc"))
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .deleteArchiveOnStart(false);
    }

    private static void deleteStaleMarkFile(Path directory) {
        try {
            Files.deleteIfExists(directory.resolve(ArchiveMarkFile.FILENAME));
        } catch (IOException e) {
            throw new XmemException("cannot remove the stale " + ArchiveMarkFile.FILENAME + " in " + directory, e);
        }
    }

    private static AeronArchive connect(Aeron aeron, String controlChannel, int controlStreamId) {
        return AeronArchive.connect(new AeronArchive.Context()
            .aeron(aeron)
            .ownsAeronClient(false)
            .controlRequestChannel(controlChannel)
            .controlRequestStreamId(controlStreamId)
            .controlResponseChannel("aeron:ipc"));
    }

    public ArchiveConfig config() {
        return config;
    }

    public Aeron aeron() {
        return media.aeron();
    }

    public AeronArchive archive() {
        return client;
    }

    /** Whether this process runs the archive (and stops it on close). */
    public boolean owner() {
        return archive != null;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(client, archive, media, directory);
    }
}
