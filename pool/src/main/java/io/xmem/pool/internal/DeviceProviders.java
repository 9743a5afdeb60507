package io.xmem.pool.internal;

import io.xmem.pool.XmemException;
import io.xmem.pool.device.DeviceMemory;
import io.xmem.pool.device.DeviceMemoryProvider;
import io.xmem.pool.device.DeviceRecords;

import java.util.Iterator;
import java.util.ServiceLoader;

/** Finds the GPU support for device size classes, once per JVM; stands in for it when there is none. */
final class DeviceProviders {
    private static final String MISSING = "no GPU support here: put the xmem-cuda module on the class (or module) path";
    private static volatile DeviceMemoryProvider found;

    private DeviceProviders() {
    }

    static DeviceMemoryProvider provider() {
        DeviceMemoryProvider p = found;
        if (p == null) {
            Iterator<DeviceMemoryProvider> it =
                ServiceLoader.load(DeviceMemoryProvider.class, DeviceProviders.class.getClassLoader()).iterator();
            p = it.hasNext() ? it.next() : new Missing();
            found = p;
        }
        return p;
    }

    /** What a process without the GPU module gets: the pool's host classes work, device ones say why not. */
    private static final class Missing implements DeviceMemoryProvider {
        @Override
        public DeviceMemory allocate(DeviceRecords records, int ordinal) {
            throw new XmemException("pool '" + records.poolName() + "' has device size classes but CUDA is unavailable "
                + "here: " + MISSING);
        }

        @Override
        public DeviceMemory open(DeviceRecords records) {
            return new DeviceMemory() {
                @Override
                public long pointer(int slot) {
                    throw unavailable();
                }

                @Override
                public void zero(int slot, long bytes) {
                    throw unavailable();
                }

                @Override
                public void recordReady(int slot, long stream) {
                    throw unavailable();
                }

                @Override
                public void waitReady(int slot, long stream) {
                    throw unavailable();
                }

                @Override
                public void close(boolean othersAlive) {
                    // nothing was mapped
                }

                private XmemException unavailable() {
                    return new XmemException("pool '" + records.poolName() + "' holds device buffers but CUDA is "
                        + "unavailable in this process: " + MISSING);
                }
            };
        }
    }
}
