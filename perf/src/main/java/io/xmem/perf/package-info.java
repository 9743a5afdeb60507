/**
 * JMH benchmarks inside one JVM ({@code perf/jmh}): acquiring and releasing pool buffers
 * ({@link io.xmem.perf.PoolBenchmark}, {@link io.xmem.perf.PoolScopeBenchmark}), references across the
 * pool's protocol ({@link io.xmem.perf.PoolReferenceBenchmark}), reading a buffer
 * ({@link io.xmem.perf.PoolFloatSumBenchmark}) and the ring's offer and poll
 * ({@link io.xmem.perf.RingBenchmark}). The cross-process harness is {@link io.xmem.perf.harness}.
 */
package io.xmem.perf;
