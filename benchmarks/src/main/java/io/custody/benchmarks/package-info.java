/**
 * The JMH benchmarks and harnesses of the write path, each measured beside its floor or peer in
 * the same run; figures and commands are in {@code benchmarks/README.md}.
 *
 * <p>Not published. Benchmarks may measure internals ({@code io.custody.recorder.internal}), the
 * one exception to the module graph's rule that internal packages stay in their module.
 */
package io.custody.benchmarks;
