package io.xmem.ring;

import io.xmem.pool.XmemException;

/** No ring of that name exists where {@code open} looked. */
public class RingNotFoundException extends XmemException {
    private static final long serialVersionUID = 1L;

    public RingNotFoundException(String message) {
        super(message);
    }

    public RingNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
