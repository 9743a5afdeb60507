/**
 * The {@code xmem} command ({@link io.xmem.tools.XmemCli}): one picocli subcommand per class,
 * {@code demo}, {@code create}, {@code ls}, {@code stat}, {@code reclaim}, {@code rm}, {@code evict},
 * {@code bridge}, {@code record}, {@code recordings}, {@code replay} and {@code bench}. {@code ls} and
 * {@code stat} only look, through {@link io.xmem.pool.PoolInspection} and
 * {@link io.xmem.ring.RingInspection} ({@link io.xmem.tools.StatLook} is one look, shown as text or
 * JSON); {@code create}, {@code reclaim}, {@code rm} and {@code evict} change things and say what. Which files a name
 * has is {@link io.xmem.tools.ShmKind}'s, from each module's one naming rule; a usage error prints one
 * line and a hint ({@link io.xmem.tools.UsageErrors}).
 *
 * <p>Also here, because both {@code xmem demo} and {@code examples/run video} run it: the frame stream
 * across processes, {@link io.xmem.tools.FrameRun} with its children {@link io.xmem.tools.FrameProducer}
 * and {@link io.xmem.tools.FrameChecker} and their payloads ({@link io.xmem.tools.FramePayload}). The
 * package is not a library API: the examples use it, applications use {@code io.xmem.pool} and
 * {@code io.xmem.ring}.
 */
package io.xmem.tools;
