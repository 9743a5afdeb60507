package io.xmem.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Who holds which byte of which lock file, as the kernel tells it in {@code /proc/locks}: read, never
 * taken, so looking changes nothing. xmem's liveness is these locks (byte {@code i} of
 * {@code NAME.pool.lock} for participant {@code i}, byte {@code i} of {@code NAME.ring.lock} for
 * subscriber {@code i}, the ring's publishing byte; {@code pool/LAYOUT.md}, {@code ring/LAYOUT.md}).
 *
 * <p>Why the tool reads them besides the pids in the files: a pid in a file is the one its writer had
 * in its own PID namespace (a container's process is often pid 1 there), while {@code /proc/locks}
 * gives each holder's pid as this process's namespace sees it, or 0 when the holder is outside it. So
 * {@code xmem stat} shows pids that mean something here. Linux only: elsewhere, or without
 * {@code /proc}, every answer is empty and the tool shows the pids from the files.
 *
 * <pre>{@code
 * LockHolders locks = LockHolders.read();
 * OptionalLong pid = locks.holder(dir.resolve("frames.pool.lock"), 3);  // participant 3's process
 * }</pre>
 */
final class LockHolders {
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    /** One POSIX lock: a byte range of an inode on a device, held by a process. */
    private record Held(long pid, int major, int minor, long inode, long start, long end, boolean exclusive) {
    }

    private final List<Held> held;

    private LockHolders(List<Held> held) {
        this.held = held;
    }

    /** The locks held on this machine now; none where there is no {@code /proc/locks}. */
    static LockHolders read() {
        List<Held> held = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(PROC_LOCKS)) {
                Held h = parse(line);
                if (h != null) {
                    held.add(h);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new LockHolders(List.of()); // not Linux, or /proc not mounted: the files' pids will do
        }
        return new LockHolders(held);
    }

    /**
     * The pid, in this process's namespace, of a process holding a lock on byte {@code index} of
     * {@code lockFile}; empty when nobody does, or the holder is not visible from here.
     */
    OptionalLong holder(Path lockFile, long index) {
        List<Long> pids = holders(lockFile, index, false);
        return pids.isEmpty() ? OptionalLong.empty() : OptionalLong.of(pids.getFirst());
    }

    /** Every visible process holding byte {@code index} of {@code lockFile} (several share a shared lock). */
    List<Long> holders(Path lockFile, long index, boolean exclusiveOnly) {
        if (held.isEmpty()) {
            return List.of();
        }
        long[] id = fileId(lockFile);
        if (id == null) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        for (Held h : held) {
            if (h.inode() == id[2] && h.major() == id[0] && h.minor() == id[1] && h.start() <= index
                && index <= h.end() && h.pid() > 0 && (h.exclusive() || !exclusiveOnly) && !pids.contains(h.pid())) {
                pids.add(h.pid());
            }
        }
        return pids;
    }

    /**
     * {@code 3: POSIX  ADVISORY  WRITE 30244 00:1a:4698 1048576 1048576}: id, class, mode, access, pid,
     * major:minor:inode (device numbers in hex), first and last byte ({@code EOF}: to the end). Lines of
     * waiters ({@code 3: -> POSIX ...}) and flock(2) locks are not holders of POSIX record locks.
     */
    static Held parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 8 || !f[1].equals("POSIX")) {
            return null;
        }
        String[] device = f[5].split(":");
        if (device.length != 3) {
            return null;
        }
        long end = f[7].equals("EOF") ? Long.MAX_VALUE : Long.parseLong(f[7]);
        return new Held(Long.parseLong(f[4]), Integer.parseInt(device[0], 16), Integer.parseInt(device[1], 16),
            Long.parseLong(device[2]), Long.parseLong(f[6]), end, f[3].equals("WRITE"));
    }

    /** {major, minor, inode} of {@code file}, as /proc/locks spells them; null if it cannot be read. */
    private static long[] fileId(Path file) {
        try {
            long dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
            long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
            // glibc's gnu_dev_major / gnu_dev_minor: the kernel's device number split into its two parts
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            return new long[] {major, minor, inode};
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }
}
