/**
 * The CUDA side, inside: {@code CudaDriver} (every driver call, checked), {@code CudaDeviceMemory}
 * (per pool per JVM: the creator's allocations or this process's IPC mappings of them) and
 * {@code CudaDeviceMemoryProvider}, the pool's {@code DeviceMemoryProvider}.
 */
package io.xmem.cuda.internal;
