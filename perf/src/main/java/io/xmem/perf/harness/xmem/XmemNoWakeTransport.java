package io.xmem.perf.harness.xmem;

/**
 * {@code xmem-nowake}: the {@link XmemRingTransport} ring with {@code RingConfig.wakeups(false)}, the
 * tuning for subscribers that only spin or back off. The report shows it beside {@code xmem} (the
 * defaults), so what waking costs a publisher is measured, not assumed.
 */
public final class XmemNoWakeTransport extends XmemRingTransport {
    public XmemNoWakeTransport() {
        super("xmem-nowake", false);
    }
}
