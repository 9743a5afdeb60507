package io.xmem.ring.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Linux {@code membarrier(2)}, through an FFM downcall to libc's {@code syscall}: the slow side
 * of an asymmetric barrier. A process that registers ({@link #register()}) may leave out the
 * full fence of a store-then-load pairing on its fast path, because {@link #globalExpedited()},
 * called by the other side, makes every running thread of every registered process execute a
 * full memory barrier before it returns. The ring uses it for wake-ups: publishers register and
 * no longer fence per record; a subscriber about to sleep pays the syscall instead.
 *
 * <p>Where it is not available (another OS or CPU, an old kernel, a seccomp filter, native
 * access denied), {@link #AVAILABLE} is false with the {@link #UNAVAILABLE} reason and callers
 * keep the fence.
 */
public final class Membarrier {
    private static final int CMD_QUERY = 0;
    private static final int CMD_GLOBAL_EXPEDITED = 1 << 1;
    private static final int CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;
    public static final boolean AVAILABLE;
    public static final String UNAVAILABLE;
    private static final MethodHandle SYSCALL;
    private static final long SYS_MEMBARRIER;
    /** Whether this process registered (once, by the first publication that asked). */
    private static volatile boolean registered;

    static {
        MethodHandle handle = null;
        long number = -1;
        String reason = null;
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            reason = "membarrier needs Linux";
        } else if (arch.equals("amd64") || arch.equals("x86_64")) {
            number = 324;
        } else if (arch.equals("aarch64")) {
            number = 283;
        } else {
            reason = "no membarrier syscall number known for " + arch;
        }
        if (reason == null) {
            try {
                Linker linker = Linker.nativeLinker();
                MemorySegment syscall = linker.defaultLookup().find("syscall")
                    .orElseThrow(() -> new IllegalStateException("libc has no syscall()"));
                // long syscall(long number, ...): membarrier(int cmd, unsigned int flags, int cpu_id)
                handle = linker.downcallHandle(syscall, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(1));
                long supported = (long) handle.invokeExact(number, CMD_QUERY, 0, 0);
                if (supported < 0 || (supported & CMD_GLOBAL_EXPEDITED) == 0
                    || (supported & CMD_REGISTER_GLOBAL_EXPEDITED) == 0) {
                    reason = "the kernel offers no expedited global membarrier (query said " + supported + ")";
                }
            } catch (Throwable e) {
                reason = "cannot call membarrier: " + e;
            }
        }
        SYSCALL = handle;
        SYS_MEMBARRIER = number;
        AVAILABLE = reason == null;
        UNAVAILABLE = reason;
    }

    private Membarrier() {
    }

    /**
     * Registers this process for expedited global barriers (once; later calls return at once);
     * true when it may leave out its fast path's fence from now on.
     */
    public static boolean register() {
        if (registered) {
            return true;
        }
        if (!AVAILABLE) {
            return false;
        }
        synchronized (Membarrier.class) {
            if (!registered) {
                registered = call(CMD_REGISTER_GLOBAL_EXPEDITED) == 0;
            }
            return registered;
        }
    }

    /**
     * A full memory barrier on every running thread of every registered process, and this one,
     * before it returns; false if the call failed (the caller then fences for itself, knowing
     * that registered publishers rely on it).
     */
    public static boolean globalExpedited() {
        return AVAILABLE && call(CMD_GLOBAL_EXPEDITED) == 0;
    }

    private static long call(int command) {
        try {
            return (long) SYSCALL.invokeExact(SYS_MEMBARRIER, command, 0, 0);
        } catch (Throwable t) {
            return -1;
        }
    }
}
