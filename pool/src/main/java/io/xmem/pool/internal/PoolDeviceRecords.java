package io.xmem.pool.internal;

import io.xmem.pool.device.DeviceRecords;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/** The device records of one mapped pool file: {@link DeviceRecords} over the pool's own layout. */
final class PoolDeviceRecords implements DeviceRecords {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private final String poolName;
    private final MemorySegment file;
    private final PoolLayout layout;
    private final long poolId;

    PoolDeviceRecords(String poolName, MemorySegment file, PoolLayout layout, long poolId) {
        this.poolName = poolName;
        this.file = file;
        this.layout = layout;
        this.poolId = poolId;
    }

    @Override
    public String poolName() {
        return poolName;
    }

    @Override
    public long poolId() {
        return poolId;
    }

    @Override
    public int slotCount() {
        return layout.slotCount;
    }

    @Override
    public int firstDeviceClass() {
        return layout.firstDeviceClass;
    }

    @Override
    public int classCount() {
        return layout.sizeClassCount();
    }

    @Override
    public long bufferSize(int sizeClass) {
        return layout.bufferSize[sizeClass];
    }

    @Override
    public int firstSlot(int sizeClass) {
        return layout.firstSlot[sizeClass];
    }

    @Override
    public int count(int sizeClass) {
        return layout.count[sizeClass];
    }

    @Override
    public boolean isDeviceSlot(int slot) {
        return slot >= 0 && slot < layout.slotCount && layout.isDeviceSlot(slot);
    }

    @Override
    public MemorySegment memoryHandle(int slot) {
        return handle(slot, DeviceHandleDescriptor.MEM_HANDLE_OFFSET);
    }

    @Override
    public MemorySegment eventHandle(int slot) {
        return handle(slot, DeviceHandleDescriptor.EVENT_HANDLE_OFFSET);
    }

    private MemorySegment handle(int slot, int offset) {
        if (!isDeviceSlot(slot)) {
            throw new IllegalStateException("slot " + slot + " of pool '" + poolName + "' is not a device slot");
        }
        long record = layout.bufferOffset(slot, layout.sizeClassOf(slot));
        return file.asSlice(record + offset, DeviceHandleDescriptor.HANDLE_LENGTH);
    }

    @Override
    public void writeDevice(int ordinal, byte[] uuid) {
        if (uuid.length != SizeClassDescriptor.DEVICE_UUID_LENGTH) {
            throw new IllegalArgumentException("a device UUID has " + SizeClassDescriptor.DEVICE_UUID_LENGTH
                + " bytes, not " + uuid.length);
        }
        for (int c = layout.firstDeviceClass; c < layout.sizeClassCount(); c++) {
            long entry = layout.sizeClassOffset(c);
            file.set(ValueLayout.JAVA_INT, entry + SizeClassDescriptor.DEVICE_ORDINAL_OFFSET, ordinal);
            MemorySegment.copy(MemorySegment.ofArray(uuid), 0, file, entry + SizeClassDescriptor.DEVICE_UUID_OFFSET,
                uuid.length);
        }
    }

    @Override
    public int deviceOrdinal() {
        return file.get(ValueLayout.JAVA_INT,
            layout.sizeClassOffset(layout.firstDeviceClass) + SizeClassDescriptor.DEVICE_ORDINAL_OFFSET);
    }

    @Override
    public byte[] deviceUuid() {
        long at = layout.sizeClassOffset(layout.firstDeviceClass) + SizeClassDescriptor.DEVICE_UUID_OFFSET;
        return file.asSlice(at, SizeClassDescriptor.DEVICE_UUID_LENGTH).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public boolean memoryLive() {
        return (int) INT.getAcquire(file, (long) PoolHeaderDescriptor.DEVICE_MEMORY_OFFSET)
            == PoolHeaderDescriptor.DEVICE_MEMORY_LIVE;
    }

    @Override
    public void markMemoryReleased() {
        INT.setRelease(file, (long) PoolHeaderDescriptor.DEVICE_MEMORY_OFFSET,
            PoolHeaderDescriptor.DEVICE_MEMORY_RELEASED);
    }

    @Override
    public long creatorPid() {
        return file.get(ValueLayout.JAVA_LONG, PoolHeaderDescriptor.CREATOR_PID_OFFSET);
    }
}
