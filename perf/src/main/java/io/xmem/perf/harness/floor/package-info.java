/**
 * The floor: two processes passing one cache line back and forth over a shared file, the lower bound
 * of any shared-memory notification, measured beside the systems under test
 * ({@link io.xmem.perf.harness.floor.FloorTransport}, layout in
 * {@link io.xmem.perf.harness.floor.FloorDescriptor}).
 */
package io.xmem.perf.harness.floor;
