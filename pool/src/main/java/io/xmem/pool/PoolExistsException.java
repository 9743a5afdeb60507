package io.xmem.pool;

/** A pool of that name already exists where {@code create} wanted to make one. */
public class PoolExistsException extends XmemException {
    private static final long serialVersionUID = 1L;

    public PoolExistsException(String message) {
        super(message);
    }

    public PoolExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
