package io.xmem.pool;

/** A pool or ring name that cannot be used as a file name safely. */
public class InvalidNameException extends XmemException {
    private static final long serialVersionUID = 1L;

    public InvalidNameException(String message) {
        super(message);
    }

    public InvalidNameException(String message, Throwable cause) {
        super(message, cause);
    }
}
