package io.xmem.pool;

/**
 * The root of every exception xmem throws. Unchecked: these mean a programming error, a
 * misconfiguration or a damaged environment, never an expected outcome of the hot path
 * (which reports through return values such as {@code null} or negative codes).
 * Messages say what happened and what to do about it.
 */
public class XmemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public XmemException(String message) {
        super(message);
    }

    public XmemException(String message, Throwable cause) {
        super(message, cause);
    }
}
