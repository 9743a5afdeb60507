/**
 * Aeron IPC as a peer: publications and subscriptions on one media driver, which runs in a JVM of its
 * own ({@link io.xmem.perf.harness.peers.aeron.AeronDriverProcess}).
 */
package io.xmem.perf.harness.peers.aeron;
