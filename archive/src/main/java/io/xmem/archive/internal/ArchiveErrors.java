package io.xmem.archive.internal;

import io.xmem.pool.XmemException;

/** Aeron's exceptions, said in xmem's words: every failure a user sees is an {@link XmemException}. */
public final class ArchiveErrors {
    private ArchiveErrors() {
    }

    /** {@code e} with {@code what} in front, as an {@link XmemException} (one of ours passes through). */
    public static XmemException wrap(String what, RuntimeException e) {
        if (e instanceof XmemException x) {
            return x;
        }
        return new XmemException(what + ": " + e.getMessage(), e);
    }
}
