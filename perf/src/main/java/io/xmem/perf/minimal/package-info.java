/**
 * A minimal two-process program that measures xmem's ring against Agrona's ring and Aeron IPC with
 * nothing of the harness in between: one publisher JVM, one subscriber JVM, busy-spin, systems
 * interleaved in every round ({@link io.xmem.perf.minimal.MinimalBench}). It exists to check the
 * harness ({@code io.xmem.perf.harness}): what a user of each system would write, and nothing more.
 */
package io.xmem.perf.minimal;
