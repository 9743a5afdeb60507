package io.xmem.pool.internal;

import io.xmem.pool.XmemException;
import io.xmem.pool.cuda.Cuda;
import io.xmem.pool.cuda.CudaDevice;
import io.xmem.pool.cuda.CudaException;
import io.xmem.pool.cuda.CudaStream;
import io.xmem.pool.cuda.CudaUnavailableException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The GPU side of a pool's device size classes, as one process sees it.
 *
 * <p><b>Ownership.</b> The pool's creator allocates every device slot once ({@code cuMemAlloc})
 * and one interprocess event per slot, writes their IPC handles into the slot's
 * {@link DeviceHandleDescriptor} record before the pool becomes READY, and keeps them for the
 * pool's life. Slots recycle like host slots (same states, tokens, references and reclaim);
 * the memory itself never moves. The allocations belong to the creating process: <b>device
 * memory lives while the creating process lives</b>. When the creator leaves the pool while no
 * other participant is alive, it frees them and marks the header "released"; while others are
 * alive it keeps them until it exits (the driver frees a process's memory when it ends).
 *
 * <p><b>Mapping.</b> Another process opens a slot's handle the first time it needs the slot's
 * address ({@code cuIpcOpenMemHandle}) and caches the address for as long as it is in the
 * pool; leaving closes every mapping. The creator's own process uses its allocations directly
 * (CUDA refuses to open a handle in the process that exported it), also after closing and
 * reopening the pool, through a process-wide table keyed by pool id.
 *
 * <p>Thread-safe: the caches are filled under this object's lock and read without it.
 */
public final class DeviceSlots {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    /** Allocations this process made as a pool's creator, by pool id; they outlive a close while others use them. */
    private static final Map<Long, Owned> OWNED = new ConcurrentHashMap<>();

    private record Owned(CudaDevice device, long[] pointers, long[] events) {
    }

    private final String poolName;
    private final MemorySegment file;
    private final PoolLayout layout;
    private final long poolId;
    private final AtomicLongArray pointers;
    private final AtomicLongArray events;
    private volatile CudaDevice device;
    private volatile Owned owned;
    private boolean closed;

    DeviceSlots(String poolName, MemorySegment file, PoolLayout layout, long poolId) {
        this.poolName = poolName;
        this.file = file;
        this.layout = layout;
        this.poolId = poolId;
        this.pointers = new AtomicLongArray(layout.slotCount);
        this.events = new AtomicLongArray(layout.slotCount);
        this.owned = OWNED.get(poolId);
    }

    // ------------------------------------------------------------------ creation

    /**
     * Allocates every device slot of a new pool on device {@code ordinal} and writes the IPC
     * handles and the device's identity into {@code file}; called by the creator before READY.
     * On failure frees what it allocated and throws (the caller deletes the file).
     */
    static void allocate(String poolName, MemorySegment file, PoolLayout layout, int ordinal, long poolId) {
        if (!Cuda.isAvailable()) {
            throw new CudaUnavailableException("pool '" + poolName + "' has device size classes but CUDA is unavailable "
                + "here: " + Cuda.unavailableReason().orElse("unknown reason"));
        }
        CudaDevice device = Cuda.device(ordinal);
        device.makeCurrent();
        long[] pointers = new long[layout.slotCount];
        long[] events = new long[layout.slotCount];
        boolean done = false;
        try {
            byte[] uuid = device.uuid();
            for (int c = layout.firstDeviceClass; c < layout.sizeClassCount(); c++) {
                long entry = layout.sizeClassOffset(c);
                file.set(ValueLayout.JAVA_INT, entry + SizeClassDescriptor.DEVICE_ORDINAL_OFFSET, ordinal);
                MemorySegment.copy(MemorySegment.ofArray(uuid), 0, file, entry + SizeClassDescriptor.DEVICE_UUID_OFFSET,
                    SizeClassDescriptor.DEVICE_UUID_LENGTH);
                for (int s = layout.firstSlot[c]; s < layout.firstSlot[c] + layout.count[c]; s++) {
                    long record = handleRecord(layout, s, c);
                    pointers[s] = CudaDriver.memAlloc(layout.bufferSize[c]);
                    CudaDriver.ipcGetMemHandle(file.asSlice(record + DeviceHandleDescriptor.MEM_HANDLE_OFFSET,
                        CudaDriver.IPC_HANDLE_BYTES), pointers[s]);
                    events[s] = CudaDriver.eventCreate(CudaDriver.EVENT_INTERPROCESS | CudaDriver.EVENT_DISABLE_TIMING);
                    CudaDriver.ipcGetEventHandle(file.asSlice(record + DeviceHandleDescriptor.EVENT_HANDLE_OFFSET,
                        CudaDriver.IPC_HANDLE_BYTES), events[s]);
                }
            }
            OWNED.put(poolId, new Owned(device, pointers, events));
            done = true;
        } catch (CudaException e) {
            throw new XmemException("pool '" + poolName + "': cannot allocate its device buffers on " + device + ": "
                + e.getMessage(), e);
        } finally {
            if (!done) {
                free(pointers, events);
            }
        }
    }

    private static long handleRecord(PoolLayout layout, int slot, int sizeClass) {
        return layout.classDataOffset[sizeClass] + (long) (slot - layout.firstSlot[sizeClass]) * layout.stride[sizeClass];
    }

    private static void free(long[] pointers, long[] events) {
        for (int s = 0; s < pointers.length; s++) {
            try {
                if (events[s] != 0) {
                    CudaDriver.eventDestroy(events[s]);
                }
            } catch (CudaException ignored) {
                // freeing the rest matters more
            }
            try {
                if (pointers[s] != 0) {
                    CudaDriver.memFree(pointers[s]);
                }
            } catch (CudaException ignored) {
                // freeing the rest matters more
            }
        }
    }

    // ------------------------------------------------------------------ use

    /** The device this pool's device classes are on, in this process's numbering. */
    public CudaDevice device() {
        CudaDevice d = device;
        if (d == null) {
            synchronized (this) {
                d = device;
                if (d == null) {
                    d = resolveDevice();
                    device = d;
                }
            }
        }
        return d;
    }

    private CudaDevice resolveDevice() {
        Owned mine = owned;
        if (mine != null) {
            return mine.device();
        }
        if (!Cuda.isAvailable()) {
            throw new CudaUnavailableException("pool '" + poolName + "' holds device buffers but CUDA is unavailable in "
                + "this process: " + Cuda.unavailableReason().orElse("unknown reason"));
        }
        byte[] uuid = file.asSlice(layout.sizeClassOffset(layout.firstDeviceClass) + SizeClassDescriptor.DEVICE_UUID_OFFSET,
            SizeClassDescriptor.DEVICE_UUID_LENGTH).toArray(ValueLayout.JAVA_BYTE);
        int ordinal = file.get(ValueLayout.JAVA_INT,
            layout.sizeClassOffset(layout.firstDeviceClass) + SizeClassDescriptor.DEVICE_ORDINAL_OFFSET);
        return Cuda.deviceByUuid(uuid).orElseThrow(() -> new XmemException("pool '" + poolName + "' holds its device "
            + "buffers on a GPU this process cannot see (device " + ordinal + " of its creator, UUID "
            + java.util.HexFormat.of().formatHex(uuid) + "): check CUDA_VISIBLE_DEVICES"));
    }

    /** The device address of {@code slot} (a device slot) in this process's context. */
    public long pointer(int slot, int sizeClass) {
        long p = pointers.get(slot);
        return p != 0 ? p : map(slot, sizeClass, true);
    }

    /** This process's handle on {@code slot}'s interprocess event. */
    public long event(int slot, int sizeClass) {
        long e = events.get(slot);
        return e != 0 ? e : map(slot, sizeClass, false);
    }

    private synchronized long map(int slot, int sizeClass, boolean memory) {
        if (closed) {
            throw new IllegalStateException("pool '" + poolName + "' is closed");
        }
        AtomicLongArray cache = memory ? pointers : events;
        long cached = cache.get(slot);
        if (cached != 0) {
            return cached;
        }
        if (!layout.device[sizeClass]) {
            throw new IllegalStateException("slot " + slot + " of pool '" + poolName + "' is host memory");
        }
        CudaDevice d = device();
        Owned mine = owned;
        long value;
        if (mine != null) {
            value = memory ? mine.pointers()[slot] : mine.events()[slot];
        } else {
            int state = (int) INT.getAcquire(file, (long) PoolHeaderDescriptor.DEVICE_MEMORY_OFFSET);
            if (state != PoolHeaderDescriptor.DEVICE_MEMORY_LIVE) {
                throw new XmemException("pool '" + poolName + "': its device memory was released by its creator (pid "
                    + file.get(ValueLayout.JAVA_LONG, PoolHeaderDescriptor.CREATOR_PID_OFFSET) + ", device memory state "
                    + state + "): device buffers live as long as the process that created the pool; recreate the pool");
            }
            d.makeCurrent();
            long record = handleRecord(layout, slot, sizeClass);
            try {
                value = memory
                    ? CudaDriver.ipcOpenMemHandle(file.asSlice(record + DeviceHandleDescriptor.MEM_HANDLE_OFFSET,
                        CudaDriver.IPC_HANDLE_BYTES))
                    : CudaDriver.ipcOpenEventHandle(file.asSlice(record + DeviceHandleDescriptor.EVENT_HANDLE_OFFSET,
                        CudaDriver.IPC_HANDLE_BYTES));
            } catch (CudaException e) {
                throw new XmemException("pool '" + poolName + "': cannot map device slot " + slot + " (" + e.getMessage()
                    + "); device buffers live as long as the pool's creator (pid "
                    + file.get(ValueLayout.JAVA_LONG, PoolHeaderDescriptor.CREATOR_PID_OFFSET)
                    + "): if it exited, recreate the pool", e);
            }
        }
        cache.set(slot, value);
        return value;
    }

    /** Fills the first {@code bytes} of a device slot with zeros; synchronous. */
    public void zero(int slot, int sizeClass, long bytes) {
        long p = pointer(slot, sizeClass);
        device().makeCurrent();
        CudaDriver.memset(p, (byte) 0, bytes);
    }

    /** Records the slot's event on {@code stream}: the buffer is ready once the stream's work so far is done. */
    public void recordReady(int slot, int sizeClass, CudaStream stream) {
        long event = event(slot, sizeClass);
        device().makeCurrent();
        CudaDriver.eventRecord(event, stream.handle());
    }

    /** Makes {@code stream}'s later work wait for the work recorded with {@link #recordReady}, in any process. */
    public void waitReady(int slot, int sizeClass, CudaStream stream) {
        long event = event(slot, sizeClass);
        device().makeCurrent();
        CudaDriver.streamWaitEvent(stream.handle(), event);
    }

    // ------------------------------------------------------------------ leaving

    /**
     * Called when this process leaves the pool. Closes this process's mappings; the creator
     * frees the allocations if {@code othersAlive} is false, and marks the header released.
     */
    synchronized void close(boolean othersAlive) {
        if (closed) {
            return;
        }
        closed = true;
        Owned mine = owned;
        if (mine != null) {
            if (!othersAlive && OWNED.remove(poolId, mine)) {
                INT.setRelease(file, (long) PoolHeaderDescriptor.DEVICE_MEMORY_OFFSET,
                    PoolHeaderDescriptor.DEVICE_MEMORY_RELEASED);
                mine.device().makeCurrent();
                free(mine.pointers(), mine.events());
            }
            return;
        }
        if (device == null) {
            return; // never mapped anything
        }
        device.makeCurrent();
        for (int s = 0; s < layout.slotCount; s++) {
            long p = pointers.getAndSet(s, 0);
            long e = events.getAndSet(s, 0);
            try {
                if (e != 0) {
                    CudaDriver.eventDestroy(e);
                }
                if (p != 0) {
                    CudaDriver.ipcCloseMemHandle(p);
                }
            } catch (CudaException ignored) {
                // the driver releases them at exit anyway; keep closing the others
            }
        }
    }
}
