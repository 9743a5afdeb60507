package io.xmem.ring;

import io.xmem.pool.XmemException;

/** An inline message longer than the ring's maximum inline length. */
public class MessageTooLongException extends XmemException {
    private static final long serialVersionUID = 1L;

    public MessageTooLongException(String message) {
        super(message);
    }
}
