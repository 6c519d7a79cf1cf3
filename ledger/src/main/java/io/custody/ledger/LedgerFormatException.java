package io.custody.ledger;

/**
 * Bytes that should be a ledger object, entry, checkpoint or proof are not well formed. The
 * message says what is wrong and where.
 */
public final class LedgerFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public LedgerFormatException(String message) {
    super(message);
  }
}
