package io.xmem.ring.internal;

import io.xmem.pool.internal.shm.FileFormat;
import io.xmem.ring.RingExistsException;
import io.xmem.ring.RingNotFoundException;

import java.nio.file.Path;

/** The ring's file format as the shared-file layer sees it: names, magic, version and errors. */
public final class RingFiles {
    public static final FileFormat FORMAT = new Format();

    private RingFiles() {
    }

    private static final class Format implements FileFormat {
        @Override
        public String noun() {
            return "ring";
        }

        @Override
        public String suffix() {
            return ".ring";
        }

        @Override
        public String lockSuffix() {
            return ".ring.lock";
        }

        @Override
        public long magic() {
            return RingHeaderDescriptor.MAGIC;
        }

        @Override
        public int version() {
            return RingHeaderDescriptor.LAYOUT_VERSION;
        }

        @Override
        public int headerLength() {
            return RingHeaderDescriptor.LENGTH;
        }

        @Override
        public RuntimeException exists(String name, Path path, Exception cause) {
            return new RingExistsException("ring '" + name + "' already exists at " + path + ": open it with "
                + "Ring.open, or delete it first (Ring.delete)", cause);
        }

        @Override
        public RuntimeException notFound(String name, Path path, Exception cause) {
            return new RingNotFoundException("ring '" + name + "' does not exist (no " + path + "): create it first "
                + "with Ring.create, or check the name and directory", cause);
        }

        @Override
        public String deleteHint(String name) {
            return "Ring.delete or `xmem rm " + name + "`";
        }
    }
}
