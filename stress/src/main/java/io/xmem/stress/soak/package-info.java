/**
 * The soak: 8 publisher and 8 subscriber processes on reliable rings for minutes, then an account
 * of every record and every buffer ({@code stress/soak}; a 20-second run is {@code SoakTest} in
 * {@code ./mvnw verify}).
 *
 * <ul>
 *   <li>{@code Soak}: the parent: makes the pool and rings, starts the children
 *       ({@code io.xmem.launch}), collects their counts and inspects the pool and rings at the end.</li>
 *   <li>{@code SoakPublisher}, {@code SoakSubscriber}: the child processes' mains.</li>
 *   <li>{@code SoakPayload}: what each record carries, so a reader can judge it alone.</li>
 * </ul>
 */
package io.xmem.stress.soak;
