package io.xmem.ring.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Linux futex wait and wake on a 32-bit word in shared memory, through an FFM downcall to
 * libc's {@code syscall}. Shared (not PRIVATE) operations, since waiter and waker are in
 * different processes mapping the same file. Where it is not available (another OS or CPU,
 * or native access denied) {@link #AVAILABLE} is false with the {@link #UNAVAILABLE} reason,
 * and callers fall back to parking.
 *
 * <p>The downcall is a restricted method: run with {@code --enable-native-access=io.xmem.ring}
 * (or {@code ALL-UNNAMED} on the class path) to silence the JDK's warning.
 */
public final class Futex {
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    public static final boolean AVAILABLE;
    public static final String UNAVAILABLE;
    private static final MethodHandle SYSCALL;
    private static final long SYS_FUTEX;

    static {
        MethodHandle handle = null;
        long number = -1;
        String reason = null;
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux")) {
            reason = "futex needs Linux, this is " + os;
        } else if (arch.equals("amd64") || arch.equals("x86_64")) {
            number = 202;
        } else if (arch.equals("aarch64")) {
            number = 98;
        } else {
            reason = "no futex syscall number known for " + arch;
        }
        if (reason == null) {
            try {
                Linker linker = Linker.nativeLinker();
                MemorySegment syscall = linker.defaultLookup().find("syscall")
                    .orElseThrow(() -> new IllegalStateException("libc has no syscall()"));
                // long syscall(long number, ...): futex(uaddr, op, val, timeout, uaddr2, val3)
                handle = linker.downcallHandle(syscall, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(1));
            } catch (RuntimeException e) {
                reason = "cannot link syscall(): " + e;
            }
        }
        SYSCALL = handle;
        SYS_FUTEX = number;
        AVAILABLE = reason == null;
        UNAVAILABLE = reason;
    }

    private Futex() {
    }

    /**
     * Sleeps while the word at {@code address} holds {@code expected}, for at most
     * {@code timeoutNanos}; returns at once if it holds another value. Spurious returns happen.
     */
    public static void await(long address, int expected, long timeoutNanos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(16, 8);
            timespec.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timespec.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            long ignored = (long) SYSCALL.invokeExact(SYS_FUTEX, MemorySegment.ofAddress(address), FUTEX_WAIT, expected,
                timespec, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        }
    }

    /** Wakes every process sleeping on the word at {@code address}. */
    public static void wakeAll(long address) {
        try {
            long ignored = (long) SYSCALL.invokeExact(SYS_FUTEX, MemorySegment.ofAddress(address), FUTEX_WAKE,
                Integer.MAX_VALUE, MemorySegment.NULL, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
    }
}
