package io.xmem.pool;

/**
 * The file is not a pool this version can use: foreign, truncated, of another layout version, or with a header whose
 * values do not hold together.
 */
public class IncompatibleLayoutException extends XmemException {
    private static final long serialVersionUID = 1L;

    public IncompatibleLayoutException(String message) {
        super(message);
    }

    public IncompatibleLayoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
