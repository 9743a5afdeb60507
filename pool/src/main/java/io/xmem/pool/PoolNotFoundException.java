package io.xmem.pool;

/** No pool of that name exists (or it was deleted) where {@code open} looked. */
public class PoolNotFoundException extends XmemException {
    private static final long serialVersionUID = 1L;

    public PoolNotFoundException(String message) {
        super(message);
    }

    public PoolNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
