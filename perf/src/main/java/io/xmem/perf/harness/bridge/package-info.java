/**
 * xmem's bridge on loopback against raw Aeron UDP on the same channel and driver: the
 * {@link io.xmem.perf.harness.bridge.XmemBridgeTransport} with its egress and ingress JVMs
 * ({@link io.xmem.perf.harness.bridge.BridgeNode}), and {@link io.xmem.perf.harness.bridge.AeronUdpTransport}.
 */
package io.xmem.perf.harness.bridge;
