package io.xmem.pool.device;

import java.lang.foreign.MemorySegment;

/**
 * What GPU support may read and write of one pool file: the device size classes, each device
 * slot's handle record, the device's identity and the header's device memory word. Implemented
 * by the pool, which keeps the format (see {@code pool/LAYOUT.md}, <i>Device classes</i>); the
 * module that drives the GPU stores and reads the opaque handles through it.
 */
public interface DeviceRecords {
    String poolName();

    /** The pool's random id: a pool deleted and created again differs. */
    long poolId();

    int slotCount();

    /** Classes from this index to {@link #classCount()} - 1 are device classes. */
    int firstDeviceClass();

    int classCount();

    long bufferSize(int sizeClass);

    int firstSlot(int sizeClass);

    int count(int sizeClass);

    boolean isDeviceSlot(int slot);

    /** The 64 bytes of {@code slot}'s memory handle ({@code CUipcMemHandle}); a device slot only. */
    MemorySegment memoryHandle(int slot);

    /** The 64 bytes of {@code slot}'s event handle ({@code CUipcEventHandle}); a device slot only. */
    MemorySegment eventHandle(int slot);

    /** The creator records which device holds the memory, before the pool is READY. */
    void writeDevice(int ordinal, byte[] uuid);

    /** The creator's ordinal of the device; diagnostics. */
    int deviceOrdinal();

    /** The 16-byte UUID of the device: how other processes find it. */
    byte[] deviceUuid();

    /** Whether the header says the creator still holds the device memory (an acquire load). */
    boolean memoryLive();

    /** The creator is about to free the device memory: no process may map it any more (a release store). */
    void markMemoryReleased();

    long creatorPid();
}
