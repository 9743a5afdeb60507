package io.xmem.cuda;

import io.xmem.pool.XmemException;

/** CUDA cannot be used in this process: no driver, no GPU, or the driver failed to start. */
public class CudaUnavailableException extends XmemException {
    public CudaUnavailableException(String message) {
        super(message);
    }
}
