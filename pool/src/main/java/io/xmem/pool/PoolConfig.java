package io.xmem.pool;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * How a pool is shaped: its size classes, where its file lives, alignment, zeroing, how many
 * processes may share it, and the file's permissions. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * PoolConfig cfg = PoolConfig.builder()
 *     .sizeClass(4 * 1024, 4096)          // 4096 buffers of 4 KiB
 *     .sizeClass(8 * 1024 * 1024, 64)     // 64 buffers of 8 MiB
 *     .zeroOnAcquire(false)
 *     .build();
 * }</pre>
 *
 * <p>A pool may also hold GPU memory: {@link Builder#deviceSizeClass} declares classes whose
 * buffers live on a CUDA device ({@link Builder#device}); their memory comes from the
 * {@code xmem-cuda} module ({@code io.xmem.cuda.CudaPool}).
 *
 * <p>Limits, each checked by {@link Builder#build()}: at most {@value #MAX_SIZE_CLASSES} size
 * classes, at most {@value #MAX_SLOTS} buffers in all (a token holds a 24-bit slot index), at
 * most {@value #MAX_PARTICIPANTS} participants (one bit each in a slot's 40-bit holder mask),
 * alignment a power of two from 8 to {@value #PAGE_SIZE}.
 */
public final class PoolConfig {
    /** Default directory for pool files: a RAM-backed file system on Linux. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/dev/shm");
    public static final int DEFAULT_ALIGNMENT = 64;
    public static final int PAGE_SIZE = 4096;
    public static final int MAX_SIZE_CLASSES = 64;
    public static final int MAX_SLOTS = (1 << 24) - 1;
    public static final int MAX_PARTICIPANTS = 40;
    public static final int DEFAULT_MAX_PARTICIPANTS = 32;
    public static final Set<PosixFilePermission> DEFAULT_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

    /**
     * One size class: {@code count} buffers of {@code bufferSize} bytes each, in host shared
     * memory or, when {@code device}, on the pool's CUDA device.
     */
    public record SizeClass(long bufferSize, int count, boolean device) {
        /** A host size class. */
        public SizeClass(long bufferSize, int count) {
            this(bufferSize, count, false);
        }
    }

    private final List<SizeClass> sizeClasses;
    private final Path directory;
    private final int alignment;
    private final boolean zeroOnAcquire;
    private final boolean prefault;
    private final boolean hugePages;
    private final int maxParticipants;
    private final Set<PosixFilePermission> permissions;
    private final int deviceOrdinal;

    private PoolConfig(Builder b) {
        this.sizeClasses = List.copyOf(b.sizeClasses);
        this.directory = b.directory;
        this.alignment = b.alignment;
        this.zeroOnAcquire = b.zeroOnAcquire;
        this.prefault = b.prefault;
        this.hugePages = b.hugePages;
        this.maxParticipants = b.maxParticipants;
        this.permissions = Set.copyOf(b.permissions);
        this.deviceOrdinal = b.deviceOrdinal;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Size classes in ascending buffer size. */
    public List<SizeClass> sizeClasses() {
        return sizeClasses;
    }

    public Path directory() {
        return directory;
    }

    public int alignment() {
        return alignment;
    }

    public boolean zeroOnAcquire() {
        return zeroOnAcquire;
    }

    /** Whether every process maps all the pool's pages when it opens the pool ({@link Builder#prefault}). */
    public boolean prefault() {
        return prefault;
    }

    /** Whether the creator insists on huge pages ({@link Builder#hugePages}). */
    public boolean hugePages() {
        return hugePages;
    }

    public int maxParticipants() {
        return maxParticipants;
    }

    public Set<PosixFilePermission> permissions() {
        return permissions;
    }

    /** The CUDA device (ordinal, as the creating process numbers them) of the device size classes. */
    public int deviceOrdinal() {
        return deviceOrdinal;
    }

    /** Whether any size class is on a device. */
    public boolean hasDeviceClasses() {
        return sizeClasses.stream().anyMatch(SizeClass::device);
    }

    public static final class Builder {
        private final List<SizeClass> sizeClasses = new ArrayList<>();
        private Path directory = DEFAULT_DIRECTORY;
        private int alignment = DEFAULT_ALIGNMENT;
        private boolean zeroOnAcquire;
        private boolean prefault;
        private boolean hugePages;
        private int maxParticipants = DEFAULT_MAX_PARTICIPANTS;
        private Set<PosixFilePermission> permissions = DEFAULT_PERMISSIONS;
        private int deviceOrdinal;

        private Builder() {
        }

        /** Adds {@code count} buffers of {@code bufferSize} bytes. */
        public Builder sizeClass(long bufferSize, int count) {
            return addClass(bufferSize, count, false);
        }

        /**
         * Adds {@code count} buffers of {@code bufferSize} bytes on the pool's CUDA device
         * ({@link #device}). The creating process allocates them once and keeps them while it
         * lives; other processes map them through CUDA IPC.
         */
        public Builder deviceSizeClass(long bufferSize, int count) {
            return addClass(bufferSize, count, true);
        }

        /** The CUDA device (ordinal in the creating process) of the device size classes; default 0. */
        public Builder device(int ordinal) {
            if (ordinal < 0) {
                throw new InvalidConfigException("device ordinal must not be negative, was " + ordinal);
            }
            this.deviceOrdinal = ordinal;
            return this;
        }

        private Builder addClass(long bufferSize, int count, boolean device) {
            if (bufferSize <= 0) {
                throw new InvalidConfigException("size class buffer size must be positive, was " + bufferSize);
            }
            if (count <= 0) {
                throw new InvalidConfigException("size class count must be positive, was " + count);
            }
            sizeClasses.add(new SizeClass(bufferSize, count, device));
            return this;
        }

        /** Directory of the pool file; default {@code /dev/shm}. */
        public Builder directory(Path directory) {
            if (directory == null) {
                throw new InvalidConfigException("directory must not be null");
            }
            this.directory = directory;
            return this;
        }

        /** Alignment of every buffer's start: a power of two from 8 to 4096; default 64. */
        public Builder alignment(int alignment) {
            if (alignment < 8 || alignment > PAGE_SIZE || Integer.bitCount(alignment) != 1) {
                throw new InvalidConfigException(
                    "alignment must be a power of two from 8 to " + PAGE_SIZE + ", was " + alignment);
            }
            this.alignment = alignment;
            return this;
        }

        /** Whether {@code acquire} fills the requested bytes with zeros; default false. */
        public Builder zeroOnAcquire(boolean zeroOnAcquire) {
            this.zeroOnAcquire = zeroOnAcquire;
            return this;
        }

        /**
         * Whether every process that creates or opens the pool maps all of its buffers' pages at
         * once, before it is handed the pool; default false. Without it each process takes a page
         * fault the first time it touches each page of a buffer (a 24 MiB frame: 6,144 faults of
         * 4 KiB pages, or 12 of 2 MiB ones), which lands on the first frames it sends or reads. The
         * choice is stored in the pool (a header flag), so the processes that only open it do the
         * same. Costs the mapping time at open and the pool's whole size in resident memory.
         */
        public Builder prefault(boolean prefault) {
            this.prefault = prefault;
            return this;
        }

        /**
         * Insists that the pool lives on huge pages (2 MiB on x86-64: one TLB entry covers 512
         * times what a 4 KiB page does, so a large frame costs a few TLB misses instead of
         * thousands). The pages are the file system's: name a {@link #directory} on a tmpfs mounted
         * with {@code huge=always} or {@code huge=within_size} (for instance
         * {@code mount -t tmpfs -o size=1g,huge=always xmem-huge /mnt/xmem-huge}); with this set,
         * {@code create} refuses any other directory with an {@link InvalidConfigException} that says
         * what it found and how to mount one. Default false: the directory's pages, whatever they are.
         */
        public Builder hugePages(boolean hugePages) {
            this.hugePages = hugePages;
            return this;
        }

        /** How many processes may use the pool at once (1..40); default 32. */
        public Builder maxParticipants(int maxParticipants) {
            if (maxParticipants < 1 || maxParticipants > MAX_PARTICIPANTS) {
                throw new InvalidConfigException("maxParticipants must be 1.." + MAX_PARTICIPANTS
                    + " (one bit each in a slot's holder mask), was " + maxParticipants);
            }
            this.maxParticipants = maxParticipants;
            return this;
        }

        /** Permissions of the pool's files; default {@code rw-------} (0600). */
        public Builder permissions(Set<PosixFilePermission> permissions) {
            if (permissions == null || !permissions.contains(PosixFilePermission.OWNER_READ)
                || !permissions.contains(PosixFilePermission.OWNER_WRITE)) {
                throw new InvalidConfigException("permissions must include owner read and write, were "
                    + (permissions == null ? null : PosixFilePermissions.toString(permissions)));
            }
            this.permissions = permissions;
            return this;
        }

        /** Permissions as {@code ls} shows them, e.g. {@code "rw-rw----"}. */
        public Builder permissions(String permissions) {
            try {
                return permissions(PosixFilePermissions.fromString(permissions));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("permissions must look like rw-rw----, were " + permissions, e);
            }
        }

        public PoolConfig build() {
            if (sizeClasses.isEmpty()) {
                throw new InvalidConfigException("a pool needs at least one size class: add .sizeClass(bytes, count)");
            }
            if (sizeClasses.size() > MAX_SIZE_CLASSES) {
                throw new InvalidConfigException("at most " + MAX_SIZE_CLASSES + " size classes, got "
                    + sizeClasses.size());
            }
            // Host classes first, then device classes; each kind in ascending buffer size.
            sizeClasses.sort(Comparator.comparing(SizeClass::device).thenComparingLong(SizeClass::bufferSize));
            long slots = 0;
            for (int i = 0; i < sizeClasses.size(); i++) {
                SizeClass c = sizeClasses.get(i);
                if (i > 0 && c.bufferSize() == sizeClasses.get(i - 1).bufferSize()
                    && c.device() == sizeClasses.get(i - 1).device()) {
                    throw new InvalidConfigException("two " + (c.device() ? "device " : "") + "size classes of "
                        + c.bufferSize() + " bytes: give each buffer size once, with the total count");
                }
                slots += sizeClasses.get(i).count();
            }
            if (slots > MAX_SLOTS) {
                throw new InvalidConfigException("at most " + MAX_SLOTS
                    + " buffers per pool (24-bit slot index in a token), got " + slots);
            }
            return new PoolConfig(this);
        }
    }
}
