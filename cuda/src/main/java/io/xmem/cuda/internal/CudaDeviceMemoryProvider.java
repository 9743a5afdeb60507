package io.xmem.cuda.internal;

import io.xmem.pool.device.DeviceMemory;
import io.xmem.pool.device.DeviceMemoryProvider;
import io.xmem.pool.device.DeviceRecords;

/** CUDA as the pool's GPU support, found by the pool with {@link java.util.ServiceLoader}. */
public final class CudaDeviceMemoryProvider implements DeviceMemoryProvider {
    @Override
    public DeviceMemory allocate(DeviceRecords records, int ordinal) {
        return CudaDeviceMemory.allocate(records, ordinal);
    }

    @Override
    public DeviceMemory open(DeviceRecords records) {
        return new CudaDeviceMemory(records);
    }
}
