/**
 * {@code examples/run gpu-frames} ({@link io.xmem.examples.gpu.GpuFrames}): frames in CUDA device
 * buffers of a pool handed to another process by reference (CUDA IPC), against the
 * device-to-host-to-device copy, each frame checked on the GPU. Needs a GPU; without one it says why
 * and exits 1.
 */
package io.xmem.examples.gpu;
