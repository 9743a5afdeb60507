package io.xmem.pool;

/** A token names a buffer that has since been released (and possibly reused): it attaches to nothing. */
public class StaleTokenException extends XmemException {
    private static final long serialVersionUID = 1L;

    public StaleTokenException(String message) {
        super(message);
    }

    public StaleTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
