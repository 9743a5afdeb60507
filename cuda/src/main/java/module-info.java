/**
 * GPU buffers for xmem pools: the CUDA driver through FFM downcalls ({@code libcuda.so.1},
 * loaded on first use only), and the device side of pools ({@link io.xmem.cuda.CudaPool}). The
 * pool finds it as its {@code DeviceMemoryProvider}.
 */
module io.xmem.cuda {
    requires transitive io.xmem.pool;
    requires transitive io.xmem.ring;
    exports io.xmem.cuda;
    provides io.xmem.pool.device.DeviceMemoryProvider with io.xmem.cuda.internal.CudaDeviceMemoryProvider;
}
