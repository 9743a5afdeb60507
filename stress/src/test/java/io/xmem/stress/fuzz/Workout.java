package io.xmem.stress.fuzz;

import io.xmem.pool.Buffer;
import io.xmem.pool.BufferPool;
import io.xmem.pool.PoolInspection;
import io.xmem.pool.PoolScope;
import io.xmem.ring.ExclusivePublication;
import io.xmem.ring.Message;
import io.xmem.ring.Ring;
import io.xmem.ring.RingInspection;
import io.xmem.ring.Subscription;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * What the fuzz targets do with a (damaged) pool or ring: what a program and the {@code xmem}
 * tool do — open, look from outside, subscribe and poll (touching every byte delivered, keeping
 * some), publish inline and by reference, acquire, attach, release, reclaim — each step under
 * {@link Expect#xmem}, so that a step refused as damage does not hide the steps after it.
 */
final class Workout {
    private Workout() {
    }

    /** Opens the ring and works it; the pool it names is opened with it. */
    static void ring(Path dir) {
        Expect.xmem(() -> RingInspection.inspect(Workbench.RING, dir));
        Ring ring = Expect.xmem(() -> Ring.open(Workbench.RING, dir));
        if (ring == null) {
            return;
        }
        try {
            Expect.xmem(ring::stats);
            Subscription sub = Expect.xmem(ring::subscription);
            poll(sub);
            ExclusivePublication pub = Expect.xmem(ring::publication);
            if (pub != null) {
                Expect.xmem(() -> pub.offer(MemorySegment.ofArray(new byte[40])));
                BufferPool pool = ring.pool();
                Buffer buffer = pool == null ? null : Expect.xmem(() -> pool.tryAcquire(Workbench.BUFFER));
                if (buffer != null) {
                    Expect.xmem(() -> pub.offer(buffer, 0, buffer.length(), 1, 2));
                    Expect.xmem(buffer::close);
                }
            }
            poll(sub);
            if (pub != null) {
                Expect.xmem(pub::close);
            }
            if (sub != null) {
                Expect.xmem(sub::close);
            }
        } finally {
            Expect.xmem(ring::close);
        }
    }

    private static void poll(Subscription sub) {
        if (sub == null) {
            return;
        }
        for (int i = 0; i < 4; i++) {
            Expect.xmem(() -> sub.poll(Workout::touch, 64));
        }
    }

    /** Reads every byte a message lends, as a handler does; keeps one of three references. */
    private static void touch(Message message) {
        long sum = message.tag() + message.timestamp() + message.position() + sum(message.segment());
        if (!message.isInline() && (sum & 3) == 0) {
            Expect.xmem(() -> {
                message.retain().close();
            });
        }
    }

    private static long sum(MemorySegment bytes) {
        long sum = 0;
        for (long i = 0; i < bytes.byteSize(); i++) {
            sum += bytes.get(ValueLayout.JAVA_BYTE, i);
        }
        return sum;
    }

    /** Opens the pool and works it through every public call a holder of tokens makes. */
    static void pool(Path dir, List<Long> tokens, long anyToken, long anySize) {
        Expect.xmem(() -> PoolInspection.inspect(Workbench.POOL, dir));
        BufferPool pool = Expect.xmem(() -> BufferPool.open(Workbench.POOL, dir));
        if (pool == null) {
            return;
        }
        try {
            Expect.xmem(pool::stats);
            Expect.xmem(pool::reclaim);
            for (long size : new long[] {1, Workbench.BUFFER, 3 * Workbench.BUFFER, anySize}) {
                Buffer b = Expect.xmem(() -> pool.tryAcquire(size));
                if (b != null) {
                    Expect.xmem(() -> b.segment().fill((byte) 1));
                    Expect.xmem(b::close);
                }
            }
            for (long token : tokens) {
                attach(pool, token);
            }
            attach(pool, anyToken);
            Long t = Expect.xmem(() -> pool.tryAcquireToken(Workbench.BUFFER));
            if (t != null && t != BufferPool.NO_TOKEN) {
                Expect.xmem(() -> pool.segment(t).fill((byte) 2));
                Expect.xmem(() -> pool.releaseToken(t));
            }
            Expect.xmem(() -> {
                try (PoolScope scope = pool.scope()) {
                    scope.allocate(100).fill((byte) 3);
                }
            });
        } finally {
            Expect.xmem(pool::close);
        }
    }

    private static void attach(BufferPool pool, long token) {
        Buffer b = Expect.xmem(() -> pool.attach(token));
        if (b != null) {
            Expect.xmem(() -> sum(b.segment()));
            Expect.xmem(b::close);
        }
        Expect.xmem(() -> {
            pool.attachToken(token);
            pool.releaseToken(token);
        });
    }
}
