/**
 * How a ring works inside.
 *
 * <ul>
 *   <li><b>Descriptors</b> (the format is {@code ring/LAYOUT.md}): {@code RingHeaderDescriptor}
 *       (header and counters, with the wake-up ordering argument), {@code SubscriberDescriptor},
 *       {@code RecordDescriptor} (with the commit and lossy-read arguments). {@code RingLayout}
 *       is the validated, immutable shape of one file; {@code RingFiles} the format's names and
 *       errors.</li>
 *   <li><b>Flyweights</b> over the mapping, each accessor named by its memory order:
 *       {@code RingCounters}, {@code SubscriberTable}, {@code RecordLog}; {@code PinReleaser}
 *       (one per user: its batch of tokens) drops the pins of records every subscriber passed.</li>
 *   <li><b>Per-JVM state</b>: {@code MappedRing}, one per ring file per JVM: the mapping, the lock
 *       channel, the pool (reached only through the pool's {@code BufferPins}) and this JVM's
 *       share of the publishing byte.</li>
 *   <li><b>Native</b>: {@code Futex}, the wait and wake of sleeping subscribers.</li>
 * </ul>
 *
 * <p>The publications' and subscriptions' own logic is in {@link io.xmem.ring}, next to their API.
 */
package io.xmem.ring.internal;
