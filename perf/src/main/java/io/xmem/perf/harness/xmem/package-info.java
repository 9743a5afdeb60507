/**
 * xmem's ring as a harness {@link io.xmem.perf.harness.Transport}: inline up to 1 KiB, by reference
 * to a pool buffer above.
 */
package io.xmem.perf.harness.xmem;
