package io.xmem.cuda;

import io.xmem.pool.XmemException;

/**
 * A CUDA driver call failed. Names the call, the driver's error code and its name (for example
 * {@code cuIpcOpenMemHandle failed: CUDA_ERROR_INVALID_VALUE (1): invalid argument}).
 */
public class CudaException extends XmemException {
    private final String call;
    private final int code;
    private final String errorName;

    public CudaException(String call, int code, String errorName, String description) {
        super(call + " failed: " + errorName + " (" + code + "): " + description);
        this.call = call;
        this.code = code;
        this.errorName = errorName;
    }

    /** The driver call that failed, e.g. {@code cuMemAlloc}. */
    public String call() {
        return call;
    }

    /** The {@code CUresult}; -1 when the failure was not the driver's (a missing symbol). */
    public int code() {
        return code;
    }

    /** The driver's name of the error, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String errorName() {
        return errorName;
    }
}
