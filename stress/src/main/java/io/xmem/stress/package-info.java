/**
 * jcstress tests of the pool's reference protocol, raced through the public API
 * ({@code BufferPool}, {@code Buffer}) on real pools in {@code /dev/shm}; run by {@code stress/run}.
 *
 * <ul>
 *   <li>{@code CloseVsAttachTest}: the last close in a process (1→0) against an attach (0→1).</li>
 *   <li>{@code RetainVsCloseTest}: retain-and-close from one handle against close of another.</li>
 *   <li>{@code LastSlotTest}: two {@code tryAcquire} calls for the last free slot.</li>
 *   <li>{@code StaleAttachVsAcquireTest}: attach of a token going stale against a fresh acquire of its slot.</li>
 *   <li>{@code StressPools}: the pools, one per test class, deleted at exit.</li>
 * </ul>
 *
 * The ring's tests are in {@link io.xmem.stress.ring}, the soak in {@link io.xmem.stress.soak}.
 */
package io.xmem.stress;
