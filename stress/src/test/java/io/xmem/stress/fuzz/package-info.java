/**
 * Coverage-guided fuzzing (Jazzer) of what xmem reads from outside: ring files, pool files and the
 * bridge's chunks. Each target runs for a few seconds in {@code ./mvnw verify} and as long as asked
 * in {@code stress/fuzz}; every input must end as a working ring or pool or an
 * {@code XmemException}, never another exception, a hang or a crash.
 *
 * <ul>
 *   <li>Targets: {@code RingFileFuzzTest}, {@code PoolFileFuzzTest}, {@code BridgeChunkFuzzTest}.</li>
 *   <li>{@code Workbench}: real files made by the code, copied as a killed process leaves them.</li>
 *   <li>{@code Mutator}: damages a copy field by field, as the input says.</li>
 *   <li>{@code Workout}: what a program does with a pool or ring; {@code Expect}: the one rule.</li>
 *   <li>{@code HangGuard}: the per-input hang guard.</li>
 * </ul>
 */
package io.xmem.stress.fuzz;
