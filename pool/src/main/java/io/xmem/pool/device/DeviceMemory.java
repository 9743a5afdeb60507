package io.xmem.pool.device;

/**
 * The GPU memory behind one pool's device size classes, as this process reaches it: one per
 * pool per JVM, made by a {@link DeviceMemoryProvider}. Slot arguments are device slots of the
 * pool; streams are the driver's stream handles.
 */
public interface DeviceMemory {
    /** The device address of {@code slot} in this process, mapping it the first time. */
    long pointer(int slot);

    /** Fills the first {@code bytes} of {@code slot} with zeros; synchronous. */
    void zero(int slot, long bytes);

    /** Records {@code slot}'s interprocess event on {@code stream}, after the work queued there. */
    void recordReady(int slot, long stream);

    /** Makes {@code stream}'s later work wait for the work the last {@link #recordReady} covered, in any process. */
    void waitReady(int slot, long stream);

    /**
     * This process leaves the pool: closes its mappings; the creator frees the memory when
     * {@code othersAlive} is false.
     */
    void close(boolean othersAlive);
}
