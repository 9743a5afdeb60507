/**
 * The bridge inside: descriptors {@code ChunkDescriptor} (a record cut into Aeron messages) and
 * {@code CountersDescriptor} (the counters file), the counters file's writer {@code CountersFile}
 * (per bridge, on the pool's shared-file layer), and {@code AeronMedia} (the embedded media driver
 * and client).
 */
package io.xmem.bridge.internal;
