package io.xmem.ring;

import io.xmem.pool.XmemException;

/** A ring of that name already exists where {@code create} wanted to make one. */
public class RingExistsException extends XmemException {
    private static final long serialVersionUID = 1L;

    public RingExistsException(String message) {
        super(message);
    }

    public RingExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
