package io.custody.storage;

import java.util.Optional;

/**
 * Options for {@link BlobStore#create}. Immutable; start from {@link #defaults()}.
 *
 * @param retention retention to set on the object as it is committed
 * @param legalHold whether to set a legal hold as it is committed
 * @param expectedSha256 the SHA-256 the caller already knows (e.g. from a verified source): the
 *     commit fails with {@link IntegrityException} if the bytes written differ
 */
public record CreateOptions(Optional<Retention> retention, boolean legalHold, Optional<Sha256> expectedSha256) {
  private static final CreateOptions DEFAULTS = new CreateOptions(Optional.empty(), false, Optional.empty());

  public static CreateOptions defaults() {
    return DEFAULTS;
  }

  public CreateOptions withRetention(Retention r) {
    return new CreateOptions(Optional.of(r), legalHold, expectedSha256);
  }

  public CreateOptions withLegalHold(boolean on) {
    return new CreateOptions(retention, on, expectedSha256);
  }

  /** These options, and the commit fails with {@link IntegrityException} unless the bytes hash to {@code sha256}. */
  public CreateOptions withExpectedSha256(Sha256 sha256) {
    return new CreateOptions(retention, legalHold, Optional.of(sha256));
  }
}
