package io.custody.cli;

import java.io.Console;
import java.io.PrintWriter;

/**
 * Progress of a long command on stderr: a bar redrawn in place on a terminal, a plain line every
 * few seconds otherwise (logs, pipes), or nothing.
 */
abstract class Progress {
  private final long started = System.nanoTime();
  final PrintWriter err;

  private Progress(PrintWriter err) {
    this.err = err;
  }

  /**
   * The progress for {@code --progress MODE}: {@code auto} (a bar when standard error is a
   * terminal), {@code bar}, {@code lines} or {@code none}.
   */
  static Progress of(String mode, PrintWriter err) {
    switch (mode) {
      case "auto":
        return terminal() ? new Bar(err) : new Lines(err);
      case "bar":
        return new Bar(err);
      case "lines":
        return new Lines(err);
      case "none":
        return new Progress(err) {
          @Override
          void show(String line, double fraction, boolean last) {}
        };
      default:
        throw new IllegalArgumentException("--progress must be auto, bar, lines or none, not " + mode);
    }
  }

  /** Whether the process talks to a terminal (JDK 22+ has Console.isTerminal; before, console() is null when redirected). */
  @SuppressWarnings("SystemConsoleNull") // handled: null before JDK 22, isTerminal() from 22 on
  private static boolean terminal() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /** Recording progress: stream seconds, segments closed, input bytes read of {@code total} (-1 if unknown). */
  final void update(double seconds, int segments, long bytes, long total) {
    double elapsed = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
    show(String.format(java.util.Locale.ROOT, "%.1f s recorded, %d segment(s), %.1f MB/s", Math.max(0, seconds), segments, bytes / 1e6 / elapsed),
        total > 0 ? Math.min(1.0, bytes / (double) total) : -1, false);
  }

  /** Any other progress: a line, and the fraction of the work done (-1 if unknown). */
  final void update(String line, double fraction) {
    show(line, fraction, false);
  }

  /** The last update has been made: show it (whatever the rate limit) and end the display. */
  final void done() {
    show(null, -1, true);
  }

  /** Shows a line; {@code fraction} of the work done, or -1 if not known. */
  abstract void show(String line, double fraction, boolean last);

  final double elapsed() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** Redrawn in place, at most ten times a second. */
  private static final class Bar extends Progress {
    private static final int WIDTH = 30;
    private long lastDraw;
    private String lastLine = "";
    private boolean drawn;
    private String pendingLine;
    private double pendingFraction;

    Bar(PrintWriter err) {
      super(err);
    }

    @Override
    void show(String line, double fraction, boolean last) {
      if (last) {
        if (pendingLine != null) {
          draw(pendingLine, pendingFraction);
        }
        if (drawn) {
          err.println();
          err.flush();
        }
        return;
      }
      long now = System.nanoTime();
      if (drawn && now - lastDraw < 100_000_000L) {
        pendingLine = line;
        pendingFraction = fraction;
        return;
      }
      lastDraw = now;
      pendingLine = null;
      draw(line, fraction);
    }

    private void draw(String line, double fraction) {
      StringBuilder b = new StringBuilder("\r");
      if (fraction >= 0) {
        int full = (int) Math.round(fraction * WIDTH);
        b.append('[').append("#".repeat(full)).append(".".repeat(WIDTH - full)).append("] ")
            .append(String.format(java.util.Locale.ROOT, "%3d%% ", Math.round(fraction * 100)));
      }
      b.append(line);
      int pad = lastLine.length() - b.length();
      lastLine = b.toString();
      err.print(lastLine + (pad > 0 ? " ".repeat(pad) : ""));
      err.flush();
      drawn = true;
    }
  }

  /** A line every five seconds, and a last one when the work took longer than that. */
  private static final class Lines extends Progress {
    private double nextAt = 5;
    private String latest;

    Lines(PrintWriter err) {
      super(err);
    }

    @Override
    void show(String line, double fraction, boolean last) {
      if (line != null) {
        latest = line;
      }
      if (elapsed() >= nextAt || (last && nextAt > 5 && latest != null)) {
        err.println(latest);
        err.flush();
        nextAt = elapsed() + 5;
      }
    }
  }
}
