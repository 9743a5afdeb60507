/**
 * jcstress tests of the ring's protocols (ring/LAYOUT.md), raced through the public API on real
 * rings and pools in {@code /dev/shm}; run by {@code stress/run} beside the pool's. A ring is one
 * stream shared by all of a test's states, so each result judges the records an actor met by
 * their own content (every payload spells its record's number), not by the state that made them.
 *
 * <ul>
 *   <li>{@code CommitVsPollTest}: a commit against a poll of the same record (reliable ring).</li>
 *   <li>{@code LossyWriteHeadTest}: a lossy publisher overwriting the record a subscriber copies.</li>
 *   <li>{@code RacingReleasersTest}: two subscribers releasing the same records' pins at once.</li>
 *   <li>{@code PublishLockTakeoverTest}: two concurrent publications taking over a dead holder's turn.</li>
 *   <li>{@code StressRings}: the rings (and pools), one per test class, deleted at exit; payload spelling.</li>
 * </ul>
 */
package io.xmem.stress.ring;
