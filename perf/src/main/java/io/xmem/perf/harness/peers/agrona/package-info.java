/**
 * Agrona's {@code OneToOneRingBuffer} over a shared file as a peer: the model of a copying
 * shared-memory ring.
 */
package io.xmem.perf.harness.peers.agrona;
