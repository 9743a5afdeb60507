package io.xmem.pool;

/** A configuration value out of its allowed range. */
public class InvalidConfigException extends XmemException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
