package io.xmem.pool;

/** Every participant entry of the pool is taken by a live process. */
public class TooManyParticipantsException extends XmemException {
    private static final long serialVersionUID = 1L;

    public TooManyParticipantsException(String message) {
        super(message);
    }

    public TooManyParticipantsException(String message, Throwable cause) {
        super(message, cause);
    }
}
