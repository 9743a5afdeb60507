package io.xmem.pool.internal;

import io.xmem.pool.IncompatibleLayoutException;
import io.xmem.pool.InvalidConfigException;
import io.xmem.pool.PoolConfig;
import io.xmem.pool.internal.shm.Align;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.xmem.pool.internal.PoolHeaderDescriptor.*;

/**
 * The immutable shape of one pool file: where each region starts and what each size class
 * holds. Built from a {@link PoolConfig} by the creator, or read back and validated by an
 * opener; in both cases the process keeps this copy and never re-reads the shape from the
 * shared file, which another process could change.
 */
public final class PoolLayout {
    public final int alignment;
    public final int maxParticipants;
    public final boolean zeroOnAcquire;
    /** {@code FLAG_PREFAULT}: every process maps all data pages when it opens the pool. */
    public final boolean prefault;
    public final int slotCount;
    public final long participantTableOffset;
    public final long sizeClassTableOffset;
    public final long slotTableOffset;
    public final long dataOffset;
    public final long dataLength;
    public final long fileLength;
    // Size classes: host ones, then device ones, each in ascending buffer size.
    public final long[] bufferSize;
    /** Whether class {@code c} is on the CUDA device (its data area holds IPC handle records). */
    public final boolean[] device;
    /** Classes before this index are host classes; the rest are device classes. */
    public final int firstDeviceClass;
    /** Slots from this index on belong to device classes (which come last); {@code slotCount} if none. */
    public final int firstDeviceSlot;
    public final long[] stride;
    public final long[] classDataOffset;
    public final int[] firstSlot;
    public final int[] count;

    private PoolLayout(int alignment, int maxParticipants, int flags, long[] bufferSize, int[] count,
                       boolean[] device) {
        this.alignment = alignment;
        this.maxParticipants = maxParticipants;
        this.zeroOnAcquire = (flags & FLAG_ZERO_ON_ACQUIRE) != 0;
        this.prefault = (flags & FLAG_PREFAULT) != 0;
        this.bufferSize = bufferSize;
        this.count = count;
        this.device = device;
        int classes = bufferSize.length;
        int firstDevice = classes;
        while (firstDevice > 0 && device[firstDevice - 1]) {
            firstDevice--;
        }
        this.firstDeviceClass = firstDevice;
        this.stride = new long[classes];
        this.classDataOffset = new long[classes];
        this.firstSlot = new int[classes];
        int slots = 0;
        for (int c = 0; c < classes; c++) {
            firstSlot[c] = slots;
            slots += count[c];
            stride[c] = device[c] ? DeviceHandleDescriptor.LENGTH : Align.up(bufferSize[c], alignment);
        }
        this.slotCount = slots;
        this.firstDeviceSlot = firstDevice < classes ? firstSlot[firstDevice] : slots;
        this.participantTableOffset = LENGTH;
        this.sizeClassTableOffset = participantTableOffset + (long) maxParticipants * ParticipantDescriptor.LENGTH;
        this.slotTableOffset = sizeClassTableOffset + (long) classes * SizeClassDescriptor.LENGTH;
        this.dataOffset = Align.up(slotTableOffset + (long) slots * SlotDescriptor.LENGTH, PoolConfig.PAGE_SIZE);
        long offset = dataOffset;
        for (int c = 0; c < classes; c++) {
            classDataOffset[c] = offset;
            offset = Math.addExact(offset, Math.multiplyExact(stride[c], (long) count[c]));
        }
        this.dataLength = Align.up(offset, PoolConfig.PAGE_SIZE) - dataOffset;
        this.fileLength = dataOffset + dataLength;
    }

    /** The layout a creator writes for {@code config}. */
    public static PoolLayout of(PoolConfig config) {
        List<PoolConfig.SizeClass> classes = config.sizeClasses();
        long[] sizes = new long[classes.size()];
        int[] counts = new int[classes.size()];
        boolean[] device = new boolean[classes.size()];
        for (int c = 0; c < sizes.length; c++) {
            sizes[c] = classes.get(c).bufferSize();
            counts[c] = classes.get(c).count();
            device[c] = classes.get(c).device();
        }
        try {
            return new PoolLayout(config.alignment(), config.maxParticipants(), PoolFiles.flags(config), sizes, counts,
                device);
        } catch (ArithmeticException e) {
            throw new InvalidConfigException("the pool would exceed 2^63 bytes: reduce buffer sizes or counts", e);
        }
    }

    /** What differs between this layout and {@code wanted}, in words; empty when they are the same. */
    public List<String> differences(PoolLayout wanted) {
        List<String> out = new ArrayList<>();
        if (!Arrays.equals(bufferSize, wanted.bufferSize) || !Arrays.equals(count, wanted.count)
            || !Arrays.equals(device, wanted.device)) {
            out.add("its size classes are " + classes() + ", the config's " + wanted.classes());
        }
        if (alignment != wanted.alignment) {
            out.add("its alignment is " + alignment + ", the config's " + wanted.alignment);
        }
        if (maxParticipants != wanted.maxParticipants) {
            out.add("it admits " + maxParticipants + " participants, the config " + wanted.maxParticipants);
        }
        if (zeroOnAcquire != wanted.zeroOnAcquire) {
            out.add("it " + (zeroOnAcquire ? "zeroes" : "does not zero") + " buffers on acquire, the config "
                + (wanted.zeroOnAcquire ? "does" : "does not"));
        }
        return out;
    }

    private String classes() {
        StringBuilder sb = new StringBuilder("[");
        for (int c = 0; c < bufferSize.length; c++) {
            sb.append(c == 0 ? "" : ", ").append(count[c]).append(" × ").append(bufferSize[c])
                .append(device[c] ? " B on the device" : " B");
        }
        return sb.append(']').toString();
    }

    public int sizeClassCount() {
        return bufferSize.length;
    }

    public boolean hasDeviceClasses() {
        return firstDeviceClass < bufferSize.length;
    }

    /** Whether {@code slot} (in range) is a slot of a device class: one comparison, for publish paths. */
    public boolean isDeviceSlot(int slot) {
        return slot >= firstDeviceSlot;
    }

    public long slotLineOffset(int slot) {
        return slotTableOffset + (long) slot * SlotDescriptor.LENGTH;
    }

    public long participantOffset(int index) {
        return participantTableOffset + (long) index * ParticipantDescriptor.LENGTH;
    }

    public long sizeClassOffset(int sizeClass) {
        return sizeClassTableOffset + (long) sizeClass * SizeClassDescriptor.LENGTH;
    }

    /**
     * Where the buffer of {@code slot} (of class {@code sizeClass}) starts in the file; in a device
     * class, where the slot's handle record starts.
     */
    public long bufferOffset(int slot, int sizeClass) {
        return classDataOffset[sizeClass] + (long) (slot - firstSlot[sizeClass]) * stride[sizeClass];
    }

    /** The size class whose slots include {@code slot}; {@code slot} must be in range. */
    public int sizeClassOf(int slot) {
        int c = firstSlot.length - 1;
        while (firstSlot[c] > slot) {
            c--;
        }
        return c;
    }

    /**
     * Writes the header's own fields and the tables: everything but the 32-byte prefix, which
     * {@link io.xmem.pool.internal.shm.SharedFile} writes (magic and READY after this).
     */
    public void writeTo(MemorySegment file, long poolId, long creatorPid, long createdMillis) {
        file.set(ValueLayout.JAVA_LONG, POOL_ID_OFFSET, poolId);
        file.set(ValueLayout.JAVA_LONG, CREATOR_PID_OFFSET, creatorPid);
        file.set(ValueLayout.JAVA_LONG, CREATED_MILLIS_OFFSET, createdMillis);
        file.set(ValueLayout.JAVA_INT, ALIGNMENT_OFFSET, alignment);
        file.set(ValueLayout.JAVA_INT, MAX_PARTICIPANTS_OFFSET, maxParticipants);
        file.set(ValueLayout.JAVA_INT, SIZE_CLASS_COUNT_OFFSET, bufferSize.length);
        file.set(ValueLayout.JAVA_INT, SLOT_COUNT_OFFSET, slotCount);
        file.set(ValueLayout.JAVA_LONG, PARTICIPANT_TABLE_OFFSET_OFFSET, participantTableOffset);
        file.set(ValueLayout.JAVA_LONG, SIZE_CLASS_TABLE_OFFSET_OFFSET, sizeClassTableOffset);
        file.set(ValueLayout.JAVA_LONG, SLOT_TABLE_OFFSET_OFFSET, slotTableOffset);
        file.set(ValueLayout.JAVA_LONG, DATA_OFFSET_OFFSET, dataOffset);
        file.set(ValueLayout.JAVA_LONG, DATA_LENGTH_OFFSET, dataLength);
        file.set(ValueLayout.JAVA_INT, DEVICE_MEMORY_OFFSET, hasDeviceClasses() ? DEVICE_MEMORY_LIVE
            : DEVICE_MEMORY_NONE);
        for (int c = 0; c < bufferSize.length; c++) {
            long e = sizeClassOffset(c);
            file.set(ValueLayout.JAVA_LONG, e + SizeClassDescriptor.BUFFER_SIZE_OFFSET, bufferSize[c]);
            file.set(ValueLayout.JAVA_LONG, e + SizeClassDescriptor.STRIDE_OFFSET, stride[c]);
            file.set(ValueLayout.JAVA_LONG, e + SizeClassDescriptor.DATA_OFFSET_OFFSET, classDataOffset[c]);
            file.set(ValueLayout.JAVA_INT, e + SizeClassDescriptor.FIRST_SLOT_OFFSET, firstSlot[c]);
            file.set(ValueLayout.JAVA_INT, e + SizeClassDescriptor.COUNT_OFFSET, count[c]);
            int kind = device[c] ? SizeClassDescriptor.DEVICE_KIND_CUDA : SizeClassDescriptor.DEVICE_KIND_HOST;
            file.set(ValueLayout.JAVA_INT, e + SizeClassDescriptor.DEVICE_KIND_OFFSET, kind);
            for (int s = firstSlot[c]; s < firstSlot[c] + count[c]; s++) {
                file.set(ValueLayout.JAVA_INT, slotLineOffset(s) + SlotDescriptor.SIZE_CLASS_OFFSET, c);
                file.set(ValueLayout.JAVA_INT, slotLineOffset(s) + SlotDescriptor.DEVICE_KIND_OFFSET, kind);
            }
        }
    }

    /**
     * Reads and validates the layout of a READY file of {@code actualSize} bytes, whose prefix
     * (magic, version, header length, file length) the shared-file layer has checked. Every value
     * is checked against the others and against the file's real size; the result is what this
     * process will use from now on.
     */
    public static PoolLayout read(MemorySegment file, long actualSize, String what) {
        int flags = file.get(ValueLayout.JAVA_INT, FLAGS_OFFSET);
        check((flags & ~(FLAG_ZERO_ON_ACQUIRE | FLAG_PREFAULT)) == 0, what, "unknown flags 0x"
            + Integer.toHexString(flags));
        long fileLength = actualSize;
        int alignment = file.get(ValueLayout.JAVA_INT, ALIGNMENT_OFFSET);
        check(alignment >= 8 && alignment <= PoolConfig.PAGE_SIZE && Integer.bitCount(alignment) == 1, what,
            "alignment " + alignment);
        int maxParticipants = file.get(ValueLayout.JAVA_INT, MAX_PARTICIPANTS_OFFSET);
        check(maxParticipants >= 1 && maxParticipants <= PoolConfig.MAX_PARTICIPANTS, what,
            "max participants " + maxParticipants);
        int classes = file.get(ValueLayout.JAVA_INT, SIZE_CLASS_COUNT_OFFSET);
        check(classes >= 1 && classes <= PoolConfig.MAX_SIZE_CLASSES, what, "size class count " + classes);
        // Bound the table reads by the file before touching them.
        long tableEnd = LENGTH + (long) maxParticipants * ParticipantDescriptor.LENGTH
            + (long) classes * SizeClassDescriptor.LENGTH;
        check(tableEnd <= actualSize, what, "tables beyond end of file");
        long classTable = file.get(ValueLayout.JAVA_LONG, SIZE_CLASS_TABLE_OFFSET_OFFSET);
        check(classTable == LENGTH + (long) maxParticipants * ParticipantDescriptor.LENGTH, what,
            "size class table offset " + classTable);
        long[] sizes = new long[classes];
        int[] counts = new int[classes];
        boolean[] device = new boolean[classes];
        long slots = 0;
        for (int c = 0; c < classes; c++) {
            long e = classTable + (long) c * SizeClassDescriptor.LENGTH;
            sizes[c] = file.get(ValueLayout.JAVA_LONG, e + SizeClassDescriptor.BUFFER_SIZE_OFFSET);
            counts[c] = file.get(ValueLayout.JAVA_INT, e + SizeClassDescriptor.COUNT_OFFSET);
            int kind = file.get(ValueLayout.JAVA_INT, e + SizeClassDescriptor.DEVICE_KIND_OFFSET);
            check(kind == SizeClassDescriptor.DEVICE_KIND_HOST || kind == SizeClassDescriptor.DEVICE_KIND_CUDA, what,
                "size class " + c + " device kind " + kind);
            device[c] = kind == SizeClassDescriptor.DEVICE_KIND_CUDA;
            // Host classes first, then device classes, each kind strictly ascending.
            boolean ascending = c == 0 || device[c] != device[c - 1] || sizes[c] > sizes[c - 1];
            check(c == 0 || !device[c - 1] || device[c], what, "host size class " + c + " after a device class");
            check(sizes[c] > 0 && ascending, what, "size class " + c + " buffer size " + sizes[c]);
            check(counts[c] > 0, what, "size class " + c + " count " + counts[c]);
            slots += counts[c];
            check(slots <= PoolConfig.MAX_SLOTS, what, "slot count above " + PoolConfig.MAX_SLOTS);
        }
        PoolLayout expected;
        try {
            expected = new PoolLayout(alignment, maxParticipants, flags, sizes, counts, device);
        } catch (ArithmeticException e) {
            throw new IncompatibleLayoutException(what + " is damaged: size classes overflow 64 bits", e);
        }
        // Every derived value stored in the file must be the one we derive ourselves.
        check(file.get(ValueLayout.JAVA_INT, SLOT_COUNT_OFFSET) == expected.slotCount, what, "slot count");
        check(file.get(ValueLayout.JAVA_LONG, PARTICIPANT_TABLE_OFFSET_OFFSET) == expected.participantTableOffset, what,
            "participant table offset");
        check(file.get(ValueLayout.JAVA_LONG, SLOT_TABLE_OFFSET_OFFSET) == expected.slotTableOffset, what,
            "slot table offset");
        check(file.get(ValueLayout.JAVA_LONG, DATA_OFFSET_OFFSET) == expected.dataOffset, what, "data offset");
        check(file.get(ValueLayout.JAVA_LONG, DATA_LENGTH_OFFSET) == expected.dataLength, what, "data length");
        check(expected.fileLength == fileLength, what, "file length does not match its regions");
        for (int c = 0; c < classes; c++) {
            long e = classTable + (long) c * SizeClassDescriptor.LENGTH;
            check(file.get(ValueLayout.JAVA_LONG, e + SizeClassDescriptor.STRIDE_OFFSET) == expected.stride[c], what,
                "size class " + c + " stride");
            long dataOffset = file.get(ValueLayout.JAVA_LONG, e + SizeClassDescriptor.DATA_OFFSET_OFFSET);
            check(dataOffset == expected.classDataOffset[c],
                what, "size class " + c + " data offset");
            check(file.get(ValueLayout.JAVA_INT, e + SizeClassDescriptor.FIRST_SLOT_OFFSET) == expected.firstSlot[c],
                what,
                "size class " + c + " first slot");
        }
        return expected;
    }

    private static void check(boolean ok, String what, String field) {
        if (!ok) {
            throw new IncompatibleLayoutException(what + " has an invalid header (" + field
                + "): it is damaged or was not written by xmem; delete and recreate the pool");
        }
    }

}
