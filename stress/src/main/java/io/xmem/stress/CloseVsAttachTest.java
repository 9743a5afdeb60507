package io.xmem.stress;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.StaleTokenException;
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
 * The hazard the design names: in one process, the last handle's close takes the local count
 * 1→0 and clears the process's holder bit (freeing the slot, since no other process holds it)
 * while another thread attaches the same token, taking the count 0→1. If the attach could see
 * the bit still set and skip setting it, the close would then clear it under the new handle:
 * a live handle on a free slot.
 *
 * <p>r1: 1 if the attach returned a handle, 0 if it threw {@link StaleTokenException}.
 * r2, read by the arbiter once both actors are done: with a handle, 1 if this process's bit is
 * set in the slot's holder mask and closing the handle clears it cleanly; without one, 1 if the
 * token is still stale (the slot stayed free or was reused, never revived).
 */
@JCStressTest
@Description("close of the last handle in this process (1->0) racing attach of the same token (0->1)")
@Outcome(id = "1, 1", expect = ACCEPTABLE,
    desc = "attach came first: the close dropped one of two handles; the slot is still held by this process")
@Outcome(id = "0, 1", expect = ACCEPTABLE,
    desc = "close came first and freed the slot: attach reported the token stale")
@Outcome(id = "1, 0", expect = FORBIDDEN,
    desc = "BUG: attach returned a handle but this process's holder bit is clear (a free slot under a live handle)")
@Outcome(id = "0, 0", expect = FORBIDDEN,
    desc = "BUG: attach said stale, yet the token attaches afterwards (a freed incarnation came back)")
@Outcome(expect = FORBIDDEN, desc = "not a result this test produces")
@State
public class CloseVsAttachTest {
    static final class Pool {
        static final BufferPool POOL = StressPools.perState("close-attach");
    }

    private final BufferPool pool = Pool.POOL;
    private final Buffer last = pool.acquire(StressPools.BUFFER);
    private final long token = last.token();
    private Buffer attached; // written by attach(), read by the arbiter after the actors are joined

    @Actor
    public void closeLast() {
        last.close();
    }

    @Actor
    public void attach(II_Result r) {
        try {
            attached = pool.attach(token);
            r.r1 = 1;
        } catch (StaleTokenException e) {
            r.r1 = 0;
        }
    }

    @Arbiter
    public void check(II_Result r) {
        if (attached != null) {
            boolean held = StressPools.heldHere(pool, token);
            r.r2 = StressPools.closeCleanly(attached) && held ? 1 : 0;
        } else {
            r.r2 = StressPools.isStale(pool, token) ? 1 : 0;
        }
    }
}
