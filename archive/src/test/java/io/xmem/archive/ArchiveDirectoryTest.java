package io.xmem.archive;

import io.xmem.archive.internal.ArchiveDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The process serving an archive directory keeps its lock while other users of the same directory
 * in the same JVM come and go: closing any descriptor of a file drops all of a process's POSIX locks
 * on it, so they must not touch the lock file (another process would take the directory over and
 * start a second archive on it).
 */
class ArchiveDirectoryTest {
    @RegisterExtension
    final ArchiveFixture fx = new ArchiveFixture();

    @Test
    void aSecondUserInTheOwningJvmLeavesTheDirectoryLocked() throws Exception {
        ArchiveFixture.Host a = fx.host("a");
        ArchiveConfig archive = fx.archive();
        Path lockFile = archive.directory().resolve(ArchiveDirectory.LOCK_FILE);
        ArchiveChildJvm other = fx.child();
        try (Recorder recorder = fx.track(Recorder.launch(archive, a.ringName(), a.directory()))) {
            assertEquals("true", other.ok("LOCKED " + lockFile));
            assertTrue(Recordings.list(archive).getFirst().active(), "listed through the recorder's own archive");
            try (ArchiveSubscription history = ArchiveSubscription.builder(archive).recording(recorder.recordingId())
                     .build()) {
                assertEquals(0, history.poll(r -> { }, 16));
            }
            assertEquals("true", other.ok("LOCKED " + lockFile), "still held after the second user closed");
        }
        assertEquals("false", other.ok("LOCKED " + lockFile), "free once the recorder closed");
    }
}
