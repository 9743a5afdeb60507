// Test-pattern kernels of xmem's CUDA support (io.xmem.pool.cuda.PatternKernels).
// The PTX beside the Java sources is generated from this file; regenerate it with
//   nvcc -ptx -arch=compute_75 -o ../resources/io/xmem/pool/cuda/pattern.ptx pattern.cu
// (compute_75 PTX is compiled for the actual GPU by the driver when loaded).
//
// Word i (32 bits) of frame f holds pattern(i, f); PatternKernels.expected computes the same
// value on the host, so any process (or language) can check a frame.

__device__ __forceinline__ unsigned int xmem_pattern(unsigned long long i, unsigned int frame) {
    return (unsigned int) (i * 2654435761ull) ^ (frame * 0x9E3779B9u) ^ (unsigned int) (i >> 20);
}

extern "C" __global__ void xmem_pattern_fill(unsigned int *words, unsigned long long count, unsigned int frame) {
    unsigned long long step = (unsigned long long) gridDim.x * blockDim.x;
    for (unsigned long long i = (unsigned long long) blockIdx.x * blockDim.x + threadIdx.x; i < count; i += step) {
        words[i] = xmem_pattern(i, frame);
    }
}

extern "C" __global__ void xmem_pattern_check(const unsigned int *words, unsigned long long count, unsigned int frame,
                                              unsigned long long *mismatches) {
    unsigned long long step = (unsigned long long) gridDim.x * blockDim.x;
    unsigned long long bad = 0;
    for (unsigned long long i = (unsigned long long) blockIdx.x * blockDim.x + threadIdx.x; i < count; i += step) {
        if (words[i] != xmem_pattern(i, frame)) {
            bad++;
        }
    }
    if (bad != 0) {
        atomicAdd(mismatches, bad);
    }
}
