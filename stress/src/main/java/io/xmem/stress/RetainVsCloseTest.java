package io.xmem.stress;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two handles on one buffer. One thread closes the first; the other retains a third handle from
 * the second, closes the second, looks at the slot while its third is still open, then closes
 * the third. Depending on the interleaving either thread drops the last reference; either way
 * the buffer must stay held while any handle is open and be free once all are closed.
 *
 * <p>r1: 1 if this process's holder bit was set while the third handle was open.
 * r2, by the arbiter: 1 if the buffer was freed (its token no longer attaches).
 */
@JCStressTest
@Description("retain from one handle and close it, racing close of another handle on the same buffer")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "held while a handle was open, free once every handle was closed")
@Outcome(id = "0, .*", expect = FORBIDDEN,
    desc = "BUG: the holder bit was clear while a handle was open (freed too early)")
@Outcome(id = "1, 0", expect = FORBIDDEN,
    desc = "BUG: every handle is closed but the buffer still attaches (leaked reference)")
@Outcome(expect = FORBIDDEN, desc = "not a result this test produces")
@State
public class RetainVsCloseTest {
    static final class Pool {
        static final BufferPool POOL = StressPools.perState("retain-close");
    }

    private final BufferPool pool = Pool.POOL;
    private final Buffer first = pool.acquire(StressPools.BUFFER);
    private final Buffer second = first.retain();
    private final long token = first.token();

    @Actor
    public void closeFirst() {
        first.close();
    }

    @Actor
    public void retainFromSecond(II_Result r) {
        Buffer third = second.retain();
        second.close();
        r.r1 = StressPools.heldHere(pool, token) ? 1 : 0;
        third.close();
    }

    @Arbiter
    public void check(II_Result r) {
        r.r2 = StressPools.isStale(pool, token) ? 1 : 0;
    }
}
