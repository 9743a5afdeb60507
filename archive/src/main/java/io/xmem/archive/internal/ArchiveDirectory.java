package io.xmem.archive.internal;

import io.xmem.pool.XmemException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code xmem-archive.lock} in an embedded archive's directory: who serves the directory now.
 * The process that runs the directory's archive holds an exclusive OS lock on byte 0 while it
 * does (the kernel drops it when the process dies: liveness never depends on a pid) and writes
 * where its media driver is, so that other xmem processes can become clients of its archive.
 *
 * <pre>
 * pid=12345
 * aeron.dir=/dev/shm/xmem-archive-12345-1
 * control.stream=10
 * </pre>
 *
 * Text, at most {@value #MAX_LENGTH} bytes, written by the owner after its archive started; read
 * by anyone, and checked (a file in a shared directory is untrusted).
 *
 * <p>Within the owning JVM the file is never opened again: closing any descriptor of a file drops
 * every POSIX lock the process holds on it, so a second user in the same JVM would silently free the
 * directory for another process's archive. The owner's announcement is kept in memory for them.
 */
public final class ArchiveDirectory implements AutoCloseable {
    public static final String LOCK_FILE = "xmem-archive.lock";
    private static final int MAX_LENGTH = 4096;
    /** Directories this JVM serves (canonical path), with what their owner announced. */
    private static final Map<Path, Map<String, String>> OWNED = new HashMap<>();

    private final Path directory;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Map<String, String> previous;

    private ArchiveDirectory(Path directory, Path file, FileChannel channel, FileLock lock,
                             Map<String, String> previous) {
        this.directory = directory;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.previous = previous;
    }

    /**
     * Takes the directory if nobody serves it (creating it if needed); null when another live
     * process holds it.
     */
    public static ArchiveDirectory tryTake(Path directory) {
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            Path canonical = directory.toRealPath();
            synchronized (OWNED) {
                if (OWNED.containsKey(canonical)) {
                    return null; // this JVM serves it: never touch the lock file again (see above)
                }
                Path file = canonical.resolve(LOCK_FILE);
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock(0, 1, false);
                if (lock == null) {
                    channel.close();
                    return null;
                }
                OWNED.put(canonical, Map.of()); // taken; announced once its archive runs
                return new ArchiveDirectory(canonical, file, channel, lock, parse(read(channel), file));
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new XmemException("cannot use archive directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** What the previous owner wrote: a dead (or cleanly stopped) xmem archive's pid, or empty. */
    public Map<String, String> previousOwner() {
        return previous;
    }

    /** Announces this process's archive to other xmem processes. */
    public void announce(String aeronDirectory, int controlStreamId) {
        String text = "pid=" + ProcessHandle.current().pid() + "\naeron.dir=" + aeronDirectory + "\ncontrol.stream="
            + controlStreamId + "\n";
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            throw new XmemException("cannot write " + file + ": " + e.getMessage(), e);
        }
        synchronized (OWNED) {
            OWNED.put(directory, parse(text, file));
        }
    }

    /**
     * The owner's announcement as another process reads it; waits up to {@code timeoutMillis} for
     * an owner still starting. Empty map: the owner has not announced (yet).
     */
    public static Map<String, String> readAnnouncement(Path directory, long timeoutMillis) {
        Path file = directory.resolve(LOCK_FILE);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            Map<String, String> owner = announcedHere(directory);
            if (owner == null) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    owner = parse(read(ch), file);
                } catch (IOException e) {
                    throw new XmemException("cannot read " + file + ": " + e.getMessage(), e);
                }
            }
            if (owner.containsKey("aeron.dir") || System.nanoTime() - deadline > 0) {
                return owner;
            }
            sleep();
        }
    }

    /** The announcement of a directory this JVM serves, or null when another process serves it. */
    private static Map<String, String> announcedHere(Path directory) {
        try {
            Path canonical = directory.toRealPath();
            synchronized (OWNED) {
                return OWNED.get(canonical);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > MAX_LENGTH) {
            return ""; // not written by xmem: nothing in it is believed
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) size);
        while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0) {
            // read it all
        }
        return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
    }

    /** Keeps only well-formed lines: {@code pid} and {@code control.stream} numeric, {@code aeron.dir} absolute. */
    private static Map<String, String> parse(String text, Path file) {
        Map<String, String> map = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1).strip();
            boolean ok = switch (key) {
                case "pid", "control.stream" -> value.matches("[0-9]{1,10}");
                case "aeron.dir" -> value.startsWith("/") && value.length() < 1024 && !value.contains("\0");
                default -> false;
            };
            if (ok) {
                map.put(key, value);
            }
        }
        return map;
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XmemException("interrupted while waiting for the archive's owner to start", e);
        }
    }

    /** Drops the lock; the file stays, naming the last owner, which is how the next one knows it is gone. */
    @Override
    public void close() {
        synchronized (OWNED) {
            OWNED.remove(directory);
        }
        try {
            lock.release();
        } catch (IOException ignored) { // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) { // nothing to do about it
            }
        }
    }
}
