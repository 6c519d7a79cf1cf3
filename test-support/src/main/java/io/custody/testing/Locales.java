package io.custody.testing;

import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Runs code under another default locale and time zone, for the tests that prove nothing Custody
 * writes or signs depends on them. The locales are those that broke it once or could: Turkish
 * (dotless ı in {@code "VIDEO".toLowerCase()}), Persian and Arabic (their own digits in
 * {@code String.format("%05d")}), Hindi (Devanagari digits under some JDK settings).
 */
public final class Locales {
  /** tr-TR, fa-IR, ar-SA and hi-IN. */
  public static final List<Locale> HOSTILE = List.of(Locale.forLanguageTag("tr-TR"),
      Locale.forLanguageTag("fa-IR"), Locale.forLanguageTag("ar-SA"), Locale.forLanguageTag("hi-IN"));

  /** A time zone with a 45-minute offset, far from UTC, that no code could assume. */
  public static final TimeZone ODD_ZONE = TimeZone.getTimeZone("Asia/Kathmandu");

  /** Code that may throw. */
  @FunctionalInterface
  public interface Body<T> {
    /** Runs it. */
    T run() throws Exception;
  }

  private Locales() {}

  /**
   * Runs {@code body} with {@code locale} as the default of every category and {@code zone} as
   * the default time zone, then restores both.
   */
  public static <T> T under(Locale locale, TimeZone zone, Body<T> body) throws Exception {
    Locale savedLocale = Locale.getDefault();
    Locale savedFormat = Locale.getDefault(Locale.Category.FORMAT);
    Locale savedDisplay = Locale.getDefault(Locale.Category.DISPLAY);
    TimeZone savedZone = TimeZone.getDefault();
    Locale.setDefault(locale);
    TimeZone.setDefault(zone);
    try {
      return body.run();
    } finally {
      Locale.setDefault(savedLocale);
      Locale.setDefault(Locale.Category.FORMAT, savedFormat);
      Locale.setDefault(Locale.Category.DISPLAY, savedDisplay);
      TimeZone.setDefault(savedZone);
    }
  }

  /** {@link #under(Locale, TimeZone, Body)} with the root locale and UTC: the reference run. */
  public static <T> T underRoot(Body<T> body) throws Exception {
    return under(Locale.ROOT, TimeZone.getTimeZone("UTC"), body);
  }
}
