package io.xmem.stress;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolConfig;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two threads race {@code tryAcquire} for the only buffer of a one-slot size class: exactly one
 * gets it, the other gets {@code null}.
 *
 * <p>The pool has a single slot, shared by every state, while jcstress runs each actor through
 * a whole stride of states without waiting for the other. So the two actors meet on each state
 * twice: once after both have tried (only then may the winner let go, or it could hand the slot
 * to the other actor's later attempt on this same state), and once after the winner has closed
 * (so the next state starts with the slot free). Neither wait can deadlock: an actor only waits
 * for the other to reach a state it has itself reached, and the one behind never waits for a
 * state the one ahead has not passed.
 *
 * <p>r1, r2: 1 if actor 1, actor 2 got the buffer, 0 if it got null; 2 if the pool threw (on
 * acquire or on closing the buffer won), 3 if the other actor never reached a meeting point.
 */
@JCStressTest
@Description("two tryAcquire calls racing for the last free slot of a one-slot class")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "actor 1 won, actor 2 got null")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "actor 2 won, actor 1 got null")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "BUG: both got the one buffer")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "neither got the free buffer (a spurious 'exhausted')")
@Outcome(expect = FORBIDDEN, desc = "BUG: the pool threw (2) or an actor was lost (3)")
@State
public class LastSlotTest {
    static final class Pool {
        static final BufferPool POOL = StressPools.create("last-slot",
            PoolConfig.builder().sizeClass(StressPools.BUFFER, 1).build());
    }

    private static final VarHandle ARRIVED;

    static {
        try {
            ARRIVED = MethodHandles.lookup().findVarHandle(LastSlotTest.class, "arrived", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How long an actor waits for the other at a meeting point before reporting it lost. */
    private static final long PATIENCE_NANOS = 10_000_000_000L;

    private final BufferPool pool = Pool.POOL;
    @SuppressWarnings("unused") // through ARRIVED
    private volatile int arrived; // both actors' arrivals at the two meeting points

    @Actor
    public void acquire1(II_Result r) {
        r.r1 = race();
    }

    @Actor
    public void acquire2(II_Result r) {
        r.r2 = race();
    }

    /** 1 if this actor won, 0 if it got null, 2 if the pool threw, 3 if the other actor never came. */
    private int race() {
        int result;
        Buffer won = null;
        try {
            won = pool.tryAcquire(StressPools.BUFFER);
            result = won == null ? 0 : 1;
        } catch (RuntimeException e) {
            result = 2;
        }
        // Arrive at both meeting points whatever happened, or the other actor would spin forever.
        boolean met = meet(2);
        if (won != null && !StressPools.closeCleanly(won)) {
            result = 2;
        }
        met &= meet(4);
        return met ? result : 3;
    }

    /** Waits until {@code arrivals} arrivals in all; false after {@link #PATIENCE_NANOS}. */
    private boolean meet(int arrivals) {
        ARRIVED.getAndAdd(this, 1);
        long deadline = 0;
        for (int spins = 1; (int) ARRIVED.getVolatile(this) < arrivals; spins++) {
            if ((spins & 0xFFF) == 0) { // the clock only now and then: the wait is usually a few spins
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + PATIENCE_NANOS;
                } else if (now - deadline > 0) {
                    return false;
                }
            }
            Thread.onSpinWait();
        }
        return true;
    }
}
