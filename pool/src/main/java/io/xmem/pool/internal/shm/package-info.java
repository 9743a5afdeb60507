/**
 * The shared-file layer every xmem file lives by (pools, rings, a bridge's counters); exported to
 * xmem's own modules only.
 *
 * <ul>
 *   <li><b>Lifecycle</b>: {@code SharedFile} creates a file exclusively, fills it and stores READY
 *       last; opens one by waiting for READY, rejecting a foreign file at once and handing the
 *       mapping to the format's layout reader. {@code FileFormat} is what it needs of a format;
 *       {@code Fallocate} reserves a new file's space before it is mapped (a libc downcall).</li>
 *   <li><b>Descriptor</b>: {@code FilePrefixDescriptor}, the 32 bytes pool and ring files share.</li>
 *   <li><b>Liveness</b>: {@code ByteLocks}, the byte locks of a lock file, with the rule that a
 *       JVM reaches a lock file through one channel only.</li>
 *   <li><b>Per-JVM state</b>: {@code OpenFiles}, the files this JVM has open by identity, shared
 *       by all their users; {@code MappedFile}, one mapping with its channel.</li>
 *   <li><b>Chores</b>: {@code FileIo}, {@code Align}.</li>
 * </ul>
 */
package io.xmem.pool.internal.shm;
