package io.xmem.ring;

import io.xmem.pool.XmemException;

/** A value read from a ring's shared memory breaks an invariant: another process damaged the ring. */
public class CorruptRingException extends XmemException {
    private static final long serialVersionUID = 1L;

    public CorruptRingException(String message) {
        super(message);
    }

    public CorruptRingException(String message, Throwable cause) {
        super(message, cause);
    }
}
