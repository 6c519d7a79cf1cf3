package io.custody.seal;

import static io.custody.seal.SealFormat.*;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * The constants and small encodings of a disclosure package (docs/FORMAT.md §12), shared by {@link
 * ExcerptWriter} and {@link PackageVerifier}.
 */
final class PackageFormat {
  private PackageFormat() {}

  static final byte[] MAGIC = ascii("CSTDYPKG");
  static final int VERSION = 1;
  static final String DESCRIPTION_FORMAT = "custody-disclosure/1";
  /** The members of the description the format defines (§12.2); an exporter may add others. */
  static final java.util.Set<String> DESCRIPTION_MEMBERS = java.util.Set.of("format", "recording_id", "device_id",
      "operator_id", "device_key_id", "requested", "covered", "pieces", "keys", "exported_at", "exported_by");
  /** HPKE info of a content key wrapped to a disclosure recipient (then recording_id ‖ u32 segment). */
  static final byte[] WRAP_INFO_PREFIX = ascii("custody/v1 disclosure key\0");

  static final int KEY_WRAPPED = 0x01;
  static final int KEY_OPEN = 0x02;

  static final int ITEM_RECORD = 0x00;
  static final int ITEM_OMITTED = 0x01;
  static final int ITEM_END = 0xFF;

  /** Largest description accepted. */
  static final int MAX_DESCRIPTION = 1 << 20;
  /** Largest wrapped key accepted. */
  static final int MAX_WRAPPED = 1024;
  /** Positions (records, included or omitted) one piece may have. */
  static final int MAX_POSITIONS = 1 << 20;

  static byte[] wrapInfo(byte[] recordingId, int segmentIndex) {
    byte[] info = new byte[WRAP_INFO_PREFIX.length + 16 + 4];
    System.arraycopy(WRAP_INFO_PREFIX, 0, info, 0, WRAP_INFO_PREFIX.length);
    System.arraycopy(recordingId, 0, info, WRAP_INFO_PREFIX.length, 16);
    putInt(info, WRAP_INFO_PREFIX.length + 16, segmentIndex);
    return info;
  }

  /** The end of a fragment on the wall clock: its prft time plus its video duration, in milliseconds. */
  static Instant wallEnd(Instant wallClock, long duration, long timescale) {
    return wallClock.plusMillis(timescale == 0 ? 0 : duration * 1000 / timescale);
  }

  /** Ticks as seconds, exactly where they are a whole number of microseconds, else rounded to 1 µs. */
  static BigDecimal seconds(long ticks, long timescale) {
    if (timescale == 0) {
      return BigDecimal.ZERO;
    }
    return BigDecimal.valueOf(ticks).divide(BigDecimal.valueOf(timescale), 6, RoundingMode.HALF_EVEN)
        .stripTrailingZeros();
  }

  /** Whether {@code seconds} (from the recording's start) is at or after {@code ticks}. */
  static int compareSeconds(BigDecimal seconds, long ticks, long timescale) {
    return seconds.multiply(BigDecimal.valueOf(timescale)).compareTo(BigDecimal.valueOf(ticks));
  }
}
