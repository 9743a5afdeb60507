package io.xmem.cuda;

import io.xmem.cuda.internal.CudaDriver;

/**
 * A CUDA stream: work queued on it runs in order. Device buffers order their producer and
 * consumer work through streams (see {@link CudaPool#recordReady}).
 */
public final class CudaStream implements AutoCloseable {
    private final CudaDevice device;
    private final long handle;
    private boolean closed;

    private CudaStream(CudaDevice device, long handle) {
        this.device = device;
        this.handle = handle;
    }

    /** A new non-blocking stream on {@code device}. */
    public static CudaStream create(CudaDevice device) {
        device.makeCurrent();
        return new CudaStream(device, CudaDriver.streamCreate(CudaDriver.STREAM_NON_BLOCKING));
    }

    public CudaDevice device() {
        return device;
    }

    /** The {@code CUstream} handle, for calls of one's own into CUDA libraries. */
    public long handle() {
        ensureOpen();
        return handle;
    }

    /** Blocks until every piece of work queued so far has finished. */
    public void synchronize() {
        ensureOpen();
        device.makeCurrent();
        CudaDriver.streamSynchronize(handle);
    }

    /**
     * Like {@link #synchronize()}, but does nothing on a closed stream (whose close already
     * waited for its work); what a buffer's close calls.
     */
    public synchronized void synchronizeIfOpen() {
        if (!closed) {
            device.makeCurrent();
            CudaDriver.streamSynchronize(handle);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("stream closed");
        }
    }

    /** Waits for the stream's work, then destroys it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.makeCurrent();
        try {
            CudaDriver.streamSynchronize(handle);
        } finally {
            CudaDriver.streamDestroy(handle);
        }
    }
}
