/**
 * The runnable examples, {@code examples/run pingpong | video | market-data | late-join | pipeline |
 * gpu-frames} ({@link io.xmem.examples.Examples}): each example command creates its pool and rings,
 * starts its roles as separate JVMs through {@link io.xmem.examples.Roles} (hidden subcommands of the
 * same main: {@code ping}, {@code pong}, {@code feed}, {@code strategy}, ...), relays what they print
 * and checks the outcome. Read a role class for how an application uses xmem:
 * {@link io.xmem.examples.Ping} and {@link io.xmem.examples.Pong} for small inline messages,
 * {@link io.xmem.examples.QuoteFeed} and {@link io.xmem.examples.Strategy} for writing in place and
 * fan-out, {@link io.xmem.examples.FrameWriter} for keeping a referenced buffer past its callback,
 * {@link io.xmem.examples.PipelineFilter} for modifying a received frame in place and forwarding it
 * without a copy. The quote's byte layout is {@link io.xmem.examples.QuoteDescriptor}.
 */
package io.xmem.examples;
