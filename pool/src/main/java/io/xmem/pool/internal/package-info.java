/**
 * How a pool works inside; exported to xmem's own modules only.
 *
 * <ul>
 *   <li><b>Descriptors</b> (offsets of one structure of the file, the only place the code takes
 *       them from; the format is {@code pool/LAYOUT.md}): {@code PoolHeaderDescriptor},
 *       {@code ParticipantDescriptor}, {@code SizeClassDescriptor}, {@code SlotDescriptor} (with
 *       the reference protocol), {@code DeviceHandleDescriptor}. {@code PoolLayout} is the
 *       validated, immutable shape of one file; {@code PoolFiles} the format's names and errors.</li>
 *   <li><b>Flyweights</b> over the mapping, each accessor named by its memory order:
 *       {@code SlotTable} (slot lines), {@code Participants} (the participant table and who is
 *       alive), {@code SlotAllocator} (finding and taking a free slot), {@code PoolDeviceRecords}
 *       (what GPU support may read and write).</li>
 *   <li><b>Per-JVM state</b>: {@code MappedPool} (one per pool file per JVM: the mapping, this
 *       process's participant entry, its lifecycle), {@code SlotReferences} (the reference
 *       protocol run by this process) with {@code LocalRefs} (its reference counts, in heap
 *       memory), {@code DeviceProviders} (the GPU support found, or a stand-in).</li>
 *   <li><b>Seams</b> to other modules: {@code BufferPins} (all a ring needs of its pool) and
 *       {@code PoolAccess} (from a public object to the above).</li>
 * </ul>
 *
 * <p>The shared-file lifecycle they build on is {@link io.xmem.pool.internal.shm}.
 */
package io.xmem.pool.internal;
