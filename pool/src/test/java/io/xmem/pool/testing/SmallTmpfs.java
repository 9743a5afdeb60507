package io.xmem.pool.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few MiB mounted in a fresh temporary directory, so that a test meets a full
 * file system for real, as a container's 64 MiB {@code /dev/shm} is met. Mounting needs
 * {@code CAP_SYS_ADMIN} (root, as CI runs); without it the test is skipped with the mount's own
 * error, since neither a user namespace (its mounts are invisible to this JVM) nor a quota (tmpfs
 * has none before Linux 6.6, and setting one needs root too) could stand in for it from here.
 * Closing unmounts (lazily, should a mapping be left) and removes the directory.
 *
 * <pre>{@code
 * try (SmallTmpfs fs = SmallTmpfs.mount(4)) {
 *     BufferPool pool = BufferPool.create("a", PoolConfig.builder().directory(fs.dir())...build());
 * }
 * }</pre>
 */
public final class SmallTmpfs implements AutoCloseable {
    private final Path dir;

    private SmallTmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code mib} MiB, or aborts the test (skipped) when this process may not mount. */
    public static SmallTmpfs mount(int mib) {
        return mount(mib, "");
    }

    /** As {@link #mount(int)}, with more tmpfs options (such as {@code huge=always}), comma-separated. */
    public static SmallTmpfs mount(int mib, String options) {
        Path dir;
        try {
            dir = Files.createTempDirectory("xmem-tmpfs-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String error = run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m,mode=0700"
            + (options.isEmpty() ? "" : "," + options), "xmem-test", dir.toString());
        if (error != null) {
            deleteQuietly(dir);
            Assumptions.abort("cannot mount a " + mib + " MiB tmpfs here (needs CAP_SYS_ADMIN): " + error);
        }
        return new SmallTmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Bytes the file system can still give. */
    public long usable() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file system's size. */
    public long total() {
        try {
            return Files.getFileStore(dir).getTotalSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        String error = run("umount", dir.toString());
        if (error != null) {
            run("umount", "-l", dir.toString()); // something still maps a file there: detach now, freed when it goes
        }
        deleteQuietly(dir);
        if (error != null) {
            throw new AssertionError("umount " + dir + ": " + error);
        }
    }

    /** Runs a command; null if it exited 0, else its output and exit status. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish within 30 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory; the test's verdict does not depend on it
        }
    }
}
