/**
 * Chronicle Queue as a peer: one appender, tailers in other processes, on a queue directory in
 * {@code /dev/shm}.
 */
package io.xmem.perf.harness.peers.chronicle;
