/**
 * GPU buffers for xmem pools, through the CUDA driver (FFM downcalls to {@code libcuda.so.1},
 * loaded on first use): {@link io.xmem.cuda.Cuda} (is it usable here, the devices),
 * {@link io.xmem.cuda.CudaDevice}, {@link io.xmem.cuda.CudaStream}, {@link io.xmem.cuda.CudaMemory}
 * (private device memory), and {@link io.xmem.cuda.CudaPool}, the device side of a pool with device
 * size classes: acquiring device buffers, their addresses, and the interprocess events that order
 * GPU work across processes. The module's README is the user guide.
 */
package io.xmem.cuda;
