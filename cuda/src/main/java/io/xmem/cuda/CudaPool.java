package io.xmem.cuda;

import io.xmem.cuda.internal.CudaDeviceMemory;
import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.XmemException;
import io.xmem.pool.internal.MappedPool;
import io.xmem.pool.internal.PoolAccess;
import io.xmem.pool.internal.SlotDescriptor;
import io.xmem.ring.CorruptRingException;
import io.xmem.ring.Message;

import java.time.Duration;

/**
 * The device side of a {@link BufferPool}: its device (GPU) size classes, whose buffers live in
 * GPU memory shared with other processes through CUDA IPC. Buffers, tokens, references and
 * rings work for them as for host buffers; what differs is reached here: their device
 * addresses, and the interprocess events that order GPU work across processes.
 *
 * <pre>{@code
 * // producer                                       // consumer (another process)
 * CudaPool gpu = CudaPool.of(pool);                 CudaPool gpu = CudaPool.of(pool);
 * Buffer f = gpu.acquire(bytes);                    Buffer f = pool.attach(token);
 * render(gpu.pointer(f), stream);                   gpu.waitReady(f, stream);
 * gpu.recordReady(f, stream);                       inspect(gpu.pointer(f), stream);
 * publish(f.token()); f.close();                    f.close(); // waits for inspect
 * }</pre>
 *
 * <p>Closing a handle on which {@link #recordReady} or {@link #waitReady} was called first waits
 * for that stream's work, so a buffer is never recycled while a kernel still uses it. The pool
 * file's format (device kind, handle records) is in {@code pool/LAYOUT.md}; the ownership rules
 * (device memory lives as long as the pool's creator) in this module's README.
 */
public final class CudaPool {
    private final BufferPool pool;
    private final MappedPool mapped;
    private final CudaDeviceMemory memory;

    private CudaPool(BufferPool pool, MappedPool mapped, CudaDeviceMemory memory) {
        this.pool = pool;
        this.mapped = mapped;
        this.memory = memory;
    }

    /**
     * The device side of {@code pool}; {@link IllegalStateException} if the pool has no device
     * size classes. Cheap: make one wherever convenient.
     */
    public static CudaPool of(BufferPool pool) {
        MappedPool mapped = PoolAccess.mapped(pool);
        if (!(mapped.device() instanceof CudaDeviceMemory memory)) {
            throw new IllegalStateException("pool '" + pool.name() + "' has no device size classes: create it with "
                + "PoolConfig.deviceSizeClass");
        }
        return new CudaPool(pool, mapped, memory);
    }

    public BufferPool pool() {
        return pool;
    }

    /**
     * The CUDA device of the pool's device buffers, in this process's numbering;
     * {@link CudaUnavailableException} if CUDA cannot be used here.
     */
    public CudaDevice device() {
        return memory.device();
    }

    /** Largest device buffer this pool offers. */
    public long maxBufferSize() {
        return mapped.layout().bufferSize[mapped.layout().sizeClassCount() - 1];
    }

    /**
     * Takes a device buffer of at least {@code size} bytes from the smallest device class that
     * fits; {@code PoolExhaustedException} if that class is exhausted.
     */
    public Buffer acquire(long size) {
        Buffer buffer = tryAcquire(size);
        if (buffer == null) {
            return acquire(size, Duration.ZERO); // says which class and how to get more
        }
        return buffer;
    }

    /** Like {@link #acquire(long)} but returns {@code null} when the class is exhausted. */
    public Buffer tryAcquire(long size) {
        return PoolAccess.tryAcquireDevice(pool, size);
    }

    /** Waits up to {@code timeout} for a device buffer to come free, then {@code PoolExhaustedException}. */
    public Buffer acquire(long size, Duration timeout) {
        return PoolAccess.acquireDevice(pool, size, timeout);
    }

    /**
     * Like {@link BufferPool#tryAcquireToken} for a device buffer: allocation-free, {@code NO_TOKEN} when exhausted.
     */
    public long tryAcquireToken(long size) {
        return PoolAccess.tryAcquireDeviceToken(pool, size);
    }

    /**
     * The buffer's device address in this process's CUDA context (the pool's device's primary
     * context); mapped through CUDA IPC the first time this process uses the slot, then cached.
     */
    public long pointer(Buffer buffer) {
        return memory.pointer(deviceSlot(buffer));
    }

    /**
     * The device address of a device buffer this process holds a reference to under
     * {@code token} ({@link #tryAcquireToken}, {@code BufferPool.attachToken});
     * {@link IllegalStateException} for a host buffer or one this process holds no reference to.
     */
    public long pointer(long token) {
        mapped.heldLength(token); // throws unless this process holds the token's incarnation
        if (!mapped.isDeviceToken(token)) {
            throw new IllegalStateException("token 0x" + Long.toHexString(token) + " names a host buffer: use "
                + "BufferPool.segment(token)");
        }
        return memory.pointer(SlotDescriptor.tokenSlot(token));
    }

    /**
     * The device address of the payload of a ring message that refers to a device buffer, during
     * its callback (the ring's pin keeps the buffer): the slot's address plus the record's offset.
     * Order reads after the producer's work through a handle: {@code message.retain()}, then
     * {@link #waitReady}.
     */
    public long pointer(Message message) {
        if (!message.isDevice()) {
            throw new IllegalStateException(message.isInline() ? "an inline message has no device pointer"
                : "the message refers to a host buffer: use message.segment()");
        }
        long token = message.token();
        int sizeClass = mapped.sizeClassOfToken(token);
        if (!mapped.isDeviceClass(sizeClass)) {
            throw new CorruptRingException("record at position " + message.position() + " says a device buffer but "
                + "its token names a host buffer: the ring was damaged");
        }
        long bufferLength = mapped.pinnedLength(token, sizeClass);
        long offset = message.bufferOffset();
        if (offset < 0 || message.length() < 0 || offset > bufferLength - message.length()) {
            throw new CorruptRingException("record at position " + message.position() + " refers to bytes " + offset
                + ".." + (offset + message.length()) + " of a buffer of " + bufferLength + ": the ring was damaged");
        }
        return memory.pointer(SlotDescriptor.tokenSlot(token)) + offset;
    }

    /**
     * Producer side: records the buffer's interprocess event on {@code stream}, after the work
     * already queued there (the kernel or copy that filled the buffer). A consumer in any
     * process that calls {@link #waitReady} afterwards runs its work after that.
     */
    public void recordReady(Buffer buffer, CudaStream stream) {
        memory.recordReady(deviceSlot(buffer), stream.handle());
        PoolAccess.beforeRelease(buffer, stream::synchronizeIfOpen);
    }

    /**
     * Consumer side: makes {@code stream}'s later work wait until the work the last
     * {@link #recordReady} covered has finished. Asynchronous: the calling thread does not wait.
     * Closing the handle waits for {@code stream}'s work, so the buffer cannot be recycled
     * under a running kernel.
     */
    public void waitReady(Buffer buffer, CudaStream stream) {
        memory.waitReady(deviceSlot(buffer), stream.handle());
        PoolAccess.beforeRelease(buffer, stream::synchronizeIfOpen);
    }

    private int deviceSlot(Buffer buffer) {
        if (buffer.poolId() != mapped.poolId()) {
            throw new XmemException(buffer + " is not a buffer of pool '" + pool.name() + "'");
        }
        if (!buffer.isDevice()) {
            throw new IllegalStateException("a host buffer has no device pointer: use segment()");
        }
        return PoolAccess.slot(buffer);
    }
}
