package io.custody.testing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The invariants every fuzz target checks on each input (docs/FUZZING.md):
 *
 * <ul>
 *   <li>the parser either succeeds or throws one of its documented exception types; anything else
 *       (an {@code ArrayIndexOutOfBoundsException}, a {@code NullPointerException}, an {@code
 *       OutOfMemoryError}...) is rethrown as a finding;
 *   <li>it ends within a time limit per input (so a hang is a finding, in the fuzzer and in the
 *       regression run alike);
 *   <li>it allocates at most {@code fixedBytes + bytesPerInputByte × input length} on its thread,
 *       measured with the JVM's per-thread allocation counter: a parser that sizes a buffer from a
 *       length field it did not check against the input fails here, even if the allocation
 *       succeeds.
 * </ul>
 *
 * <p>The body runs on one reused worker thread, so that a hang can be abandoned and the allocation
 * counter sees the parser's work only. An input over the allocation limit is run a second time
 * and fails only if it is over again: the first run of a path also counts the JVM's one-off work
 * (loading and initializing classes, linking lambdas), which is not the parser's. The body must
 * therefore be repeatable (parsers are deterministic; a body that writes a file deletes it first).
 */
public final class FuzzInvariants {
  /** A parser run on one input. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  /** The default per-input time limit; {@code -Dcustody.fuzz.inputSeconds} overrides it. */
  public static final Duration TIME_LIMIT = Duration.ofSeconds(Long.getLong("custody.fuzz.inputSeconds", 10));

  private static ExecutorService worker = newWorker();

  private final long fixedBytes;
  private final long bytesPerInputByte;
  private final Duration timeLimit;
  private final List<Class<?>> documented;

  private FuzzInvariants(long fixedBytes, long bytesPerInputByte, Duration timeLimit,
      List<Class<?>> documented) {
    this.fixedBytes = fixedBytes;
    this.bytesPerInputByte = bytesPerInputByte;
    this.timeLimit = timeLimit;
    this.documented = documented;
  }

  /**
   * Invariants for a parser that may throw the {@code documented} types and allocate {@code
   * fixedBytes} plus {@code bytesPerInputByte} per input byte.
   */
  public static FuzzInvariants of(long fixedBytes, long bytesPerInputByte, Class<?>... documented) {
    return new FuzzInvariants(fixedBytes, bytesPerInputByte, TIME_LIMIT, List.of(documented));
  }

  /** The same invariants with another per-input time limit. */
  public FuzzInvariants within(Duration limit) {
    return new FuzzInvariants(fixedBytes, bytesPerInputByte, limit, documented);
  }

  /** The allocation allowed for an input of {@code inputLength} bytes. */
  public long allocationLimit(long inputLength) {
    return fixedBytes + bytesPerInputByte * inputLength;
  }

  /**
   * Runs {@code body} on an input of {@code inputLength} bytes and checks the invariants: returns
   * normally when the body succeeded or threw a documented exception within the limits; rethrows
   * any other exception or error as it is (its stack trace points into the parser); throws
   * {@link AssertionError} on a hang or an allocation over the limit.
   */
  public void check(long inputLength, Body body) {
    long limit = allocationLimit(inputLength);
    Outcome outcome = run(inputLength, body);
    if (outcome.allocated > limit) {
      outcome = run(inputLength, body);
    }
    Throwable thrown = outcome.thrown;
    if (thrown != null && documented.stream().noneMatch(type -> type.isInstance(thrown))) {
      if (thrown instanceof RuntimeException r) {
        throw r;
      }
      if (thrown instanceof Error err) {
        throw err;
      }
      throw new AssertionError("undocumented exception " + thrown, thrown);
    }
    if (outcome.allocated > limit) {
      throw new AssertionError("allocated " + outcome.allocated + " bytes for an input of " + inputLength
          + " bytes, over the limit of " + limit + " (" + fixedBytes + " + " + bytesPerInputByte
          + " per input byte)" + (thrown == null ? "" : ", then threw " + thrown));
    }
  }

  private Outcome run(long inputLength, Body body) {
    Future<Outcome> run = worker.submit(() -> {
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      Throwable thrown = null;
      try {
        body.run();
      } catch (Throwable t) {
        thrown = t;
      }
      return new Outcome(thrown, threads.getCurrentThreadAllocatedBytes() - before);
    });
    try {
      return run.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      run.cancel(true);
      worker.shutdownNow();
      worker = newWorker(); // the hung thread is abandoned (a daemon): later inputs get a new one
      throw new AssertionError("no result within " + timeLimit.toMillis() + " ms for an input of "
          + inputLength + " bytes (a hang)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError("the worker failed", e.getCause());
    }
  }

  private record Outcome(Throwable thrown, long allocated) {}

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-input");
      t.setDaemon(true);
      return t;
    });
  }
}
