package io.xmem.cuda.internal;

import io.xmem.cuda.Cuda;
import io.xmem.cuda.CudaDevice;
import io.xmem.cuda.CudaException;
import io.xmem.cuda.CudaUnavailableException;
import io.xmem.pool.XmemException;
import io.xmem.pool.device.DeviceMemory;
import io.xmem.pool.device.DeviceRecords;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The GPU side of a pool's device size classes, as one process sees it.
 *
 * <p><b>Ownership.</b> The pool's creator allocates every device slot once ({@code cuMemAlloc})
 * and one interprocess event per slot, writes their IPC handles into the slot's handle record
 * before the pool becomes READY, and keeps them for the pool's life. Slots recycle like host
 * slots (same states, tokens, references and reclaim); the memory itself never moves. The
 * allocations belong to the creating process: <b>device memory lives while the creating
 * process lives</b>. When the creator leaves the pool while no other participant is alive, it
 * frees them and marks the header "released"; while others are alive it keeps them until it
 * exits (the driver frees a process's memory when it ends).
 *
 * <p><b>Mapping.</b> Another process opens a slot's handle the first time it needs the slot's
 * address ({@code cuIpcOpenMemHandle}) and caches the address for as long as it is in the
 * pool; leaving closes every mapping. The creator's own process uses its allocations directly
 * (CUDA refuses to open a handle in the process that exported it), also after closing and
 * reopening the pool, through a process-wide table keyed by pool id.
 *
 * <p>Thread-safe: the caches are filled under this object's lock and read without it.
 */
public final class CudaDeviceMemory implements DeviceMemory {
    /** Allocations this process made as a pool's creator, by pool id; they outlive a close while others use them. */
    private static final Map<Long, Owned> OWNED = new ConcurrentHashMap<>();

    private record Owned(CudaDevice device, long[] pointers, long[] events) {
    }

    private final DeviceRecords records;
    private final AtomicLongArray pointers;
    private final AtomicLongArray events;
    private volatile CudaDevice device;
    private final Owned owned;
    private boolean closed;

    CudaDeviceMemory(DeviceRecords records) {
        this.records = records;
        this.pointers = new AtomicLongArray(records.slotCount());
        this.events = new AtomicLongArray(records.slotCount());
        this.owned = OWNED.get(records.poolId());
    }

    // ------------------------------------------------------------------ creation

    /**
     * Allocates every device slot of a new pool on device {@code ordinal} and writes the IPC
     * handles and the device's identity through {@code records}; called by the creator before
     * READY. On failure frees what it allocated and throws (the caller deletes the file).
     */
    static CudaDeviceMemory allocate(DeviceRecords records, int ordinal) {
        if (!Cuda.isAvailable()) {
            throw new CudaUnavailableException("pool '" + records.poolName() + "' has device size classes but CUDA is "
                + "unavailable here: " + Cuda.unavailableReason().orElse("unknown reason"));
        }
        CudaDevice device = Cuda.device(ordinal);
        device.makeCurrent();
        long[] pointers = new long[records.slotCount()];
        long[] events = new long[records.slotCount()];
        boolean done = false;
        try {
            records.writeDevice(ordinal, device.uuid());
            for (int c = records.firstDeviceClass(); c < records.classCount(); c++) {
                for (int s = records.firstSlot(c); s < records.firstSlot(c) + records.count(c); s++) {
                    pointers[s] = CudaDriver.memAlloc(records.bufferSize(c));
                    CudaDriver.ipcGetMemHandle(records.memoryHandle(s), pointers[s]);
                    events[s] = CudaDriver.eventCreate(CudaDriver.EVENT_INTERPROCESS | CudaDriver.EVENT_DISABLE_TIMING);
                    CudaDriver.ipcGetEventHandle(records.eventHandle(s), events[s]);
                }
            }
            OWNED.put(records.poolId(), new Owned(device, pointers, events));
            done = true;
            return new CudaDeviceMemory(records);
        } catch (CudaException e) {
            throw new XmemException("pool '" + records.poolName() + "': cannot allocate its device buffers on " + device
                + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                free(pointers, events);
            }
        }
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
        if (owned != null) {
            return owned.device();
        }
        if (!Cuda.isAvailable()) {
            throw new CudaUnavailableException("pool '" + records.poolName() + "' holds device buffers but CUDA is "
                + "unavailable in this process: " + Cuda.unavailableReason().orElse("unknown reason"));
        }
        byte[] uuid = records.deviceUuid();
        return Cuda.deviceByUuid(uuid).orElseThrow(() -> new XmemException("pool '" + records.poolName() + "' holds "
            + "its device buffers on a GPU this process cannot see (device " + records.deviceOrdinal() + " of its "
            + "creator, UUID " + HexFormat.of().formatHex(uuid) + "): check CUDA_VISIBLE_DEVICES"));
    }

    @Override
    public long pointer(int slot) {
        long p = pointers.get(slot);
        return p != 0 ? p : map(slot, true);
    }

    /** This process's handle on {@code slot}'s interprocess event. */
    private long event(int slot) {
        long e = events.get(slot);
        return e != 0 ? e : map(slot, false);
    }

    private synchronized long map(int slot, boolean memory) {
        if (closed) {
            throw new IllegalStateException("pool '" + records.poolName() + "' is closed");
        }
        AtomicLongArray cache = memory ? pointers : events;
        long cached = cache.get(slot);
        if (cached != 0) {
            return cached;
        }
        if (!records.isDeviceSlot(slot)) {
            throw new IllegalStateException("slot " + slot + " of pool '" + records.poolName() + "' is host memory");
        }
        CudaDevice d = device();
        long value = owned != null ? (memory ? owned.pointers()[slot] : owned.events()[slot]) : open(d, slot, memory);
        cache.set(slot, value);
        return value;
    }

    private long open(CudaDevice d, int slot, boolean memory) {
        if (!records.memoryLive()) {
            throw new XmemException("pool '" + records.poolName() + "': its device memory was released by its creator "
                + "(pid " + records.creatorPid() + "): device buffers live as long as the process that created the "
                + "pool; recreate the pool");
        }
        d.makeCurrent();
        try {
            return memory ? CudaDriver.ipcOpenMemHandle(records.memoryHandle(slot))
                : CudaDriver.ipcOpenEventHandle(records.eventHandle(slot));
        } catch (CudaException e) {
            throw new XmemException("pool '" + records.poolName() + "': cannot map device slot " + slot + " ("
                + e.getMessage() + "); device buffers live as long as the pool's creator (pid " + records.creatorPid()
                + "): if it exited, recreate the pool", e);
        }
    }

    @Override
    public void zero(int slot, long bytes) {
        long p = pointer(slot);
        device().makeCurrent();
        CudaDriver.memset(p, (byte) 0, bytes);
    }

    @Override
    public void recordReady(int slot, long stream) {
        long event = event(slot);
        device().makeCurrent();
        CudaDriver.eventRecord(event, stream);
    }

    @Override
    public void waitReady(int slot, long stream) {
        long event = event(slot);
        device().makeCurrent();
        CudaDriver.streamWaitEvent(stream, event);
    }

    // ------------------------------------------------------------------ leaving

    @Override
    public synchronized void close(boolean othersAlive) {
        if (closed) {
            return;
        }
        closed = true;
        if (owned != null) {
            if (!othersAlive && OWNED.remove(records.poolId(), owned)) {
                records.markMemoryReleased();
                owned.device().makeCurrent();
                free(owned.pointers(), owned.events());
            }
            return;
        }
        if (device == null) {
            return; // never mapped anything
        }
        device.makeCurrent();
        for (int s = 0; s < pointers.length(); s++) {
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
