package io.xmem.pool.internal.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * Linux {@code fallocate(2)} through FFM downcalls to libc: gives a new file its blocks before
 * anyone maps it, so that a file system without room says so at once ({@code ENOSPC}) instead
 * of with a {@code SIGBUS} at the first write to a page it cannot supply — in whichever process
 * touches that page first. On tmpfs ({@code /dev/shm}) the pages are allocated and charged
 * right away.
 *
 * <p>Why {@code open(2)} + {@code fallocate(2)} on the path rather than the creator's
 * {@code FileChannel}: the JDK gives no access to a channel's descriptor (nor has it a
 * fallocate), and reaching into {@code sun.nio.ch} would need {@code --add-opens}. Opening the
 * path a second time names the same inode: the creator made it with {@code O_EXCL} a moment
 * before, and reservation belongs to the inode, not to a descriptor. Why not glibc's
 * {@code posix_fallocate}: where the file system cannot allocate it falls back to writing a
 * byte into every block, which on a large file is slow and still reserves nothing on some file
 * systems; {@code fallocate} says {@code EOPNOTSUPP} instead, and the caller falls back to its
 * free-space check knowingly.
 *
 * <p>The downcalls are restricted methods: run with {@code --enable-native-access=io.xmem.pool}
 * (or {@code ALL-UNNAMED} on the class path) to silence the JDK's warning. Where they cannot be
 * linked (another OS, native access denied) every call answers {@link Result#UNSUPPORTED}.
 */
final class Fallocate {
    /** What {@link #reserve} found. */
    enum Result {
        /** Every byte of the file has its block. */
        RESERVED,
        /** The file system (or the caller's quota) has not enough room: nothing is reserved. */
        NO_SPACE,
        /** The file system or platform cannot reserve ({@code EOPNOTSUPP}, {@code ENOSYS}, no libc). */
        UNSUPPORTED
    }

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int EINTR = 4;
    private static final int ENOSPC = 28;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;
    private static final int EDQUOT = 122;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle CLOSE;
    /** Why the downcalls are missing, or null. */
    private static final String UNAVAILABLE;

    static {
        MethodHandle open = null;
        MethodHandle fallocate = null;
        MethodHandle close = null;
        String reason = null;
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            reason = "fallocate needs Linux";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                // int open(const char *path, int flags, ...): the mode is variadic (unused without O_CREAT)
                open = linker.downcallHandle(find(linker, "open"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    errno, Linker.Option.firstVariadicArg(2));
                // int fallocate(int fd, int mode, off_t offset, off_t len)
                fallocate = linker.downcallHandle(find(linker, "fallocate"), FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG), errno);
                close = linker.downcallHandle(find(linker, "close"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            } catch (RuntimeException e) { // IllegalCallerException when native access is denied
                reason = "cannot link fallocate(): " + e;
            }
        }
        OPEN = open;
        FALLOCATE = fallocate;
        CLOSE = close;
        UNAVAILABLE = reason;
    }

    private Fallocate() {
    }

    private static MemorySegment find(Linker linker, String symbol) {
        return linker.defaultLookup().find(symbol)
            .orElseThrow(() -> new IllegalStateException("libc has no " + symbol + "()"));
    }

    /**
     * Allocates bytes {@code 0..length} of the file at {@code path} (mode 0: the file's size
     * grows to {@code length} if it was shorter). A failed allocation leaves the file as it
     * was on tmpfs; elsewhere part may stay allocated, which deleting the file gives back.
     *
     * @throws IllegalStateException on any other error (the file vanished, permissions, I/O), with errno
     */
    static Result reserve(Path path, long length) {
        if (UNAVAILABLE != null) {
            return Result.UNSUPPORTED;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IllegalStateException("open(" + path + ") failed: errno " + errno(state));
            }
            try {
                while (true) {
                    int rc = (int) FALLOCATE.invokeExact(state, fd, 0, 0L, length);
                    if (rc == 0) {
                        return Result.RESERVED;
                    }
                    int errno = errno(state);
                    switch (errno) {
                        case EINTR -> {
                            // a signal arrived mid-allocation: what was done stays, the rest is asked again
                        }
                        case ENOSPC, EDQUOT -> {
                            return Result.NO_SPACE;
                        }
                        case EOPNOTSUPP, ENOSYS -> {
                            return Result.UNSUPPORTED;
                        }
                        default -> throw new IllegalStateException("fallocate(" + path + ", " + length
                            + ") failed: errno " + errno);
                    }
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) { // invokeExact declares Throwable; the downcalls throw nothing checked
            throw new IllegalStateException("fallocate(" + path + ") failed", t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
