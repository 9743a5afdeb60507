/**
 * The cross-process benchmark harness ({@code perf/bench}, {@code xmem bench}):
 * {@link io.xmem.perf.harness.Harness} turns the command line into a {@link io.xmem.perf.harness.Plan}
 * of {@link io.xmem.perf.harness.Config}s; {@link io.xmem.perf.harness.ConfigRunner} runs each in a
 * publisher and N subscriber JVMs ({@link io.xmem.perf.harness.Child}) over one
 * {@link io.xmem.perf.harness.Transport}; {@link io.xmem.perf.harness.Report} writes report.md with
 * {@link io.xmem.perf.harness.Charts}. Each system under test is a {@code Transport} in a subpackage:
 * {@code xmem}, {@code floor}, {@code bridge} and the peers under {@code peers}.
 */
package io.xmem.perf.harness;
