/**
 * Rings beyond one machine over Aeron UDP (unicast or multicast): an {@link io.xmem.bridge.Egress}
 * reads a local ring and sends each record, an {@link io.xmem.bridge.Ingress} receives them into a
 * ring of its own; {@link io.xmem.bridge.BridgeConfig} shapes one, {@link io.xmem.bridge.BridgeStats}
 * reads a running bridge's counters from any process. The wire and file formats are
 * {@code bridge/LAYOUT.md}.
 */
package io.xmem.bridge;
