package io.xmem.archive;

import io.xmem.pool.XmemException;

/**
 * An archive's bytes are not what a recorder writes: a damaged or foreign recording, a segment file
 * cut short, a catalog that disagrees with its files. The message says which recording, where, and
 * what was found.
 */
public class CorruptArchiveException extends XmemException {
    public CorruptArchiveException(String message) {
        super(message);
    }
}
