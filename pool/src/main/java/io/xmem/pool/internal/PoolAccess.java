package io.xmem.pool.internal;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;

import java.time.Duration;

/**
 * The way from public pool objects to what xmem's own modules need of them without making it
 * public API: the ring's seam ({@link BufferPins}), the device buffers the GPU module serves,
 * and the per-JVM state for tests. {@code BufferPool} registers the accessor when its class
 * initialises (any pool or buffer object implies it has).
 */
public final class PoolAccess {
    private static volatile Accessor accessor;

    private PoolAccess() {
    }

    /** Implemented by the public pool package. */
    public interface Accessor {
        MappedPool mapped(BufferPool pool);

        Buffer tryAcquireDevice(BufferPool pool, long size);

        Buffer acquireDevice(BufferPool pool, long size, Duration timeout);

        long tryAcquireDeviceToken(BufferPool pool, long size);

        Buffer attachReadOnly(BufferPool pool, long token);

        int slot(Buffer buffer);

        void beforeRelease(Buffer buffer, Runnable action);

        boolean hasWorkBeforeRelease(Buffer buffer);

        void endHandedOver(Buffer buffer);
    }

    public static void register(Accessor a) {
        if (accessor != null) {
            throw new IllegalStateException("accessor already registered");
        }
        accessor = a;
    }

    /** The pool's per-JVM state. */
    public static MappedPool mapped(BufferPool pool) {
        return accessor.mapped(pool);
    }

    /** What a ring needs of its pool. */
    public static BufferPins pins(BufferPool pool) {
        return accessor.mapped(pool);
    }

    /** A buffer from the smallest device class that fits, or null when it is exhausted. */
    public static Buffer tryAcquireDevice(BufferPool pool, long size) {
        return accessor.tryAcquireDevice(pool, size);
    }

    /** Waits up to {@code timeout} for a device buffer, then {@code PoolExhaustedException}. */
    public static Buffer acquireDevice(BufferPool pool, long size, Duration timeout) {
        return accessor.acquireDevice(pool, size, timeout);
    }

    /** Like {@code BufferPool.tryAcquireToken} for a device buffer; {@code BufferPool.NO_TOKEN} when exhausted. */
    public static long tryAcquireDeviceToken(BufferPool pool, long size) {
        return accessor.tryAcquireDeviceToken(pool, size);
    }

    /** A handle for a reader of a received message: its {@code segment()} is read-only. */
    public static Buffer attachReadOnly(BufferPool pool, long token) {
        return accessor.attachReadOnly(pool, token);
    }

    /** Whether work must end before the handle's reference does ({@link #beforeRelease}): no hand-over then. */
    public static boolean hasWorkBeforeRelease(Buffer buffer) {
        return accessor.hasWorkBeforeRelease(buffer);
    }

    /**
     * Ends a handle whose reference was turned into a ring's pin
     * ({@link BufferPins#pinInPlaceOfLastReference}): closed, without releasing anything.
     */
    public static void endHandedOver(Buffer buffer) {
        accessor.endHandedOver(buffer);
    }

    /** The slot of an open buffer handle. */
    public static int slot(Buffer buffer) {
        return accessor.slot(buffer);
    }

    /**
     * Work that must finish before the handle's reference is dropped (GPU work on the buffer);
     * runs once, when the handle closes. A later call replaces an earlier one.
     */
    public static void beforeRelease(Buffer buffer, Runnable action) {
        accessor.beforeRelease(buffer, action);
    }
}
