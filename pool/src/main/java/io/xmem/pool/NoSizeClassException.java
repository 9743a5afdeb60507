package io.xmem.pool;

/** A request larger than the pool's largest size class. */
public class NoSizeClassException extends XmemException {
    private static final long serialVersionUID = 1L;

    public NoSizeClassException(String message) {
        super(message);
    }

    public NoSizeClassException(String message, Throwable cause) {
        super(message, cause);
    }
}
