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
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A token goes stale and its slot is reused while another thread attaches the old token. One
 * thread closes the only handle and at once acquires again; a freed slot becomes the class's
 * scan hint, so that acquire takes the very slot it just freed unless something still holds it.
 * The other thread attaches the old token meanwhile. The old token must never attach to the new
 * incarnation: an attach that succeeds must have come before the close, and then it holds the
 * slot, so the fresh acquire cannot have landed there.
 *
 * <p>r1: 1 if the attach returned a handle, 0 if it threw {@link StaleTokenException}.
 * r2: 1 if the fresh acquire got the old token's slot, 0 if another slot.
 */
@JCStressTest
@Description("attach of a token going stale racing a fresh acquire of the same slot")
@Outcome(id = "1, 0", expect = ACCEPTABLE,
    desc = "attach came before the close and kept the old buffer; the acquire went elsewhere")
@Outcome(id = "0, 1", expect = ACCEPTABLE,
    desc = "close and re-acquire came first: the old token is stale on the new incarnation")
@Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING,
    desc = "attach was mid-way (its transition state made the acquire skip the slot), then found the slot free: stale")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "BUG: the old token attached while the slot holds a new incarnation")
@Outcome(expect = FORBIDDEN, desc = "not a result this test produces")
@State
public class StaleAttachVsAcquireTest {
    static final class Pool {
        static final BufferPool POOL = StressPools.perState("stale-attach");
    }

    private final BufferPool pool = Pool.POOL;
    private final Buffer old = pool.acquire(StressPools.BUFFER);
    private final long token = old.token();
    private Buffer fresh; // written by actors, closed by the arbiter after they are joined
    private Buffer attached;

    @Actor
    public void closeAndAcquire(II_Result r) {
        old.close();
        fresh = pool.acquire(StressPools.BUFFER);
        r.r2 = StressPools.slotOf(fresh.token()) == StressPools.slotOf(token) ? 1 : 0;
    }

    @Actor
    public void attachOld(II_Result r) {
        try {
            attached = pool.attach(token);
            r.r1 = 1;
        } catch (StaleTokenException e) {
            r.r1 = 0;
        }
    }

    @Arbiter
    public void release() {
        // A forbidden outcome is already recorded; a broken close must not hide it as an error.
        StressPools.closeCleanly(fresh);
        if (attached != null) {
            StressPools.closeCleanly(attached);
        }
    }
}
