package io.xmem.pool.internal.shm;

/**
 * The first 32 bytes of every xmem file that is created, made READY and opened by
 * {@link SharedFile}: pool files and ring files (see {@code pool/LAYOUT.md} and
 * {@code ring/LAYOUT.md}, whose headers both begin with these fields).
 *
 * <pre>
 *   0               8              12              16              20              24              32
 *   +---------------+---------------+---------------+---------------+---------------+---------------+
 *   | magic (u64)   | version (u32) | header length | state (u32)   | flags (u32)   | file length   |
 *   |               |               | (u32)         | 0 INIT 1 READY|               | (u64)         |
 *   +---------------+---------------+---------------+---------------+---------------+---------------+
 * </pre>
 *
 * <p>Publication: the creator writes every field of the file but the magic and the state, then
 * the magic, then the state READY with a release store. An opener reads the state with an
 * acquire load (or reads the file with plain reads and maps it only once READY) and only then
 * trusts, after validating, the rest. The prefix is immutable once READY.
 */
public final class FilePrefixDescriptor {
    public static final int LENGTH = 32;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int STATE_OFFSET = 16;
    public static final int FLAGS_OFFSET = 20;
    public static final int FILE_LENGTH_OFFSET = 24;

    public static final int STATE_INITIALISING = 0;
    public static final int STATE_READY = 1;

    private FilePrefixDescriptor() {
    }
}
