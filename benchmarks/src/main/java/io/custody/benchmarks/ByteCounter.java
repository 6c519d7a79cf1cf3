package io.custody.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Input bytes processed; JMH reports the field as a rate (bytes per second). */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {
  public long bytes;

  /** Each iteration counts its own bytes (JMH does not reset auxiliary counters itself). */
  @Setup(Level.Iteration)
  public void reset() {
    bytes = 0;
  }
}
