package io.xmem.pool;

/**
 * A value read from the pool's shared memory at run time breaks an invariant; the pool was damaged by another process.
 */
public class CorruptPoolException extends XmemException {
    private static final long serialVersionUID = 1L;

    public CorruptPoolException(String message) {
        super(message);
    }

    public CorruptPoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
