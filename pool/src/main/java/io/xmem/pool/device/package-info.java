/**
 * The service interface through which a pool's device (GPU) size classes get their memory:
 * the pool owns the format ({@code DeviceRecords}), a provider found with
 * {@link java.util.ServiceLoader} ({@code DeviceMemoryProvider}, implemented by the
 * {@code xmem-cuda} module) owns the memory ({@code DeviceMemory}). Exported to that module only.
 */
package io.xmem.pool.device;
