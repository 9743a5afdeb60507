/**
 * Unix domain sockets as a peer: what processes on one machine use when they share nothing.
 */
package io.xmem.perf.harness.peers.uds;
