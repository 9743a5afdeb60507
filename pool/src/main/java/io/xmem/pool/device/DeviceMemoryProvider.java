package io.xmem.pool.device;

/**
 * GPU support for pools with device size classes, found with {@link java.util.ServiceLoader}
 * (the {@code xmem-cuda} module provides one). Without a provider on the class or module path,
 * a pool with device classes can be opened and its host classes used; creating one, or using
 * its device buffers, fails with a message that says what is missing.
 */
public interface DeviceMemoryProvider {
    /**
     * Allocates every device slot of a new pool on device {@code ordinal}, writes the handle
     * records and the device's identity through {@code records}; called by the creator before
     * the pool is READY. On failure frees what it allocated and throws.
     */
    DeviceMemory allocate(DeviceRecords records, int ordinal);

    /** The device memory of an existing pool, for this process; slots are mapped when first used. */
    DeviceMemory open(DeviceRecords records);
}
