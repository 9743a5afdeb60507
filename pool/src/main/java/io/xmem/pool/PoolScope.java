package io.xmem.pool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Scoped allocation from a pool (cymem's idea): many small or large allocations, all released
 * together by {@link #close()}. Each allocation is a zeroed slice of a pool buffer; small ones
 * share a buffer, bump-allocated, and a request that does not fit takes a new buffer of the
 * smallest class that holds it.
 *
 * <pre>{@code
 * try (PoolScope scope = pool.scope()) {
 *     MemorySegment xs = scope.alloc(1_000, Float.BYTES);          // count × size, overflow-checked
 *     MemorySegment s = scope.allocateFrom("hello");               // any SegmentAllocator use
 * }                                                                // every buffer released here
 * }</pre>
 *
 * <p>Confined to the thread that opened it, like {@code Arena.ofConfined()}. Segments stay
 * mapped after close (they are slices of the pool mapping): using one then reads a buffer
 * that may already belong to someone else, so do not keep them.
 */
public final class PoolScope implements SegmentAllocator, AutoCloseable {
    private final BufferPool pool;
    private final Thread owner = Thread.currentThread();
    private Buffer first;          // most scopes need one buffer: no list for them
    private List<Buffer> more;     // the second and later buffers
    private MemorySegment current;
    private long used;
    private boolean closed;

    PoolScope(BufferPool pool) {
        this.pool = pool;
    }

    /**
     * {@code number × elemSize} zeroed bytes aligned to {@code elemSize}'s natural alignment
     * (at most 8); the product is overflow-checked.
     */
    public MemorySegment alloc(long number, long elemSize) {
        if (number < 0 || elemSize <= 0) {
            throw new IllegalArgumentException("alloc(" + number + ", " + elemSize
                + "): number must be >= 0, elemSize > 0");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(number, elemSize);
        } catch (ArithmeticException e) {
            throw new NoSizeClassException("alloc(" + number + ", " + elemSize + "): the product overflows 64 bits", e);
        }
        long align = Math.min(Long.lowestOneBit(elemSize), 8);
        return allocate(bytes, align);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a PoolScope is confined to the thread that opened it");
        }
        if (closed) {
            throw new IllegalStateException("scope closed");
        }
        if (byteSize < 0 || byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("allocate(" + byteSize + ", " + byteAlignment
                + "): size must be >= 0 and alignment a power of two");
        }
        if (current != null) {
            long start = alignedOffset(current, used, byteAlignment);
            if (start + byteSize <= current.byteSize()) {
                used = start + byteSize;
                return current.asSlice(start, byteSize).fill((byte) 0);
            }
        }
        long need;
        try {
            need = Math.addExact(byteSize, byteAlignment - 1);
        } catch (ArithmeticException e) {
            throw new NoSizeClassException("allocate(" + byteSize + ", " + byteAlignment + ") overflows 64 bits", e);
        }
        long classSize = pool.classSizeFor(need);
        if (classSize < 0) {
            throw new NoSizeClassException("scope allocation of " + byteSize + " bytes (alignment " + byteAlignment
                + ") exceeds the pool's largest buffer of " + pool.maxBufferSize() + " bytes");
        }
        Buffer buffer = pool.acquire(classSize);
        if (first == null) {
            first = buffer;
        } else {
            if (more == null) {
                more = new ArrayList<>();
            }
            more.add(buffer);
        }
        current = buffer.segment();
        long start = alignedOffset(current, 0, byteAlignment);
        used = start + byteSize;
        return current.asSlice(start, byteSize).fill((byte) 0);
    }

    private static long alignedOffset(MemorySegment segment, long offset, long alignment) {
        long address = segment.address() + offset;
        return ((address + alignment - 1) & -alignment) - segment.address();
    }

    /** Buffers this scope holds now. */
    public int bufferCount() {
        return (first == null ? 0 : 1) + (more == null ? 0 : more.size());
    }

    /** Releases every buffer the scope took. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        current = null;
        if (first != null) {
            first.close();
        }
        if (more != null) {
            more.forEach(Buffer::close);
        }
    }
}
