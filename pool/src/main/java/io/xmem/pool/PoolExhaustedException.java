package io.xmem.pool;

/** Every buffer of the needed size class is held. */
public class PoolExhaustedException extends XmemException {
    private static final long serialVersionUID = 1L;

    public PoolExhaustedException(String message) {
        super(message);
    }

    public PoolExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
