package io.custody.ledger;

import java.util.List;

/**
 * What a ledger entry records, and the members its {@code details} must carry ({@code
 * docs/LEDGER.md} §2). Every type is about one recording.
 */
public enum EntryType {
  /** A segment arrived in the force's store and verified there. */
  INGESTED(true, "header_sha256", "object_sha256", "store_uri"),
  /** A verification of a recording or segment, with its result. */
  VERIFIED(false, "result"),
  /** A recording was viewed or decrypted. */
  ACCESSED(false),
  /** A recording (or part of it) was exported. */
  EXPORTED(false, "export_sha256"),
  /** An excerpt was disclosed to a recipient. */
  DISCLOSED(false, "recipient", "range", "package_sha256"),
  /** The retention period was set. */
  RETENTION_SET(false, "retain_until"),
  /** A legal hold was placed. */
  LEGAL_HOLD_SET(false),
  /** A legal hold was released. */
  LEGAL_HOLD_RELEASED(false),
  /** An object was deleted, under an authority. */
  DELETED(false, "object_sha256", "authority"),
  /** A free-text note. */
  NOTE(false, "text");

  private final boolean segmentRequired;
  @SuppressWarnings("ImmutableEnumChecker") // List.of: unmodifiable
  private final List<String> requiredDetails;

  EntryType(boolean segmentRequired, String... requiredDetails) {
    this.segmentRequired = segmentRequired;
    this.requiredDetails = List.of(requiredDetails);
  }

  /** Whether an entry of this type names a segment index. */
  public boolean segmentRequired() {
    return segmentRequired;
  }

  /** The {@code details} members an entry of this type must carry. */
  public List<String> requiredDetails() {
    return requiredDetails;
  }
}
