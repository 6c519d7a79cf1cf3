package io.custody.pkcs11;

/**
 * A PKCS#11 token could not do what was asked: the module does not load, no token has the label,
 * the PIN is refused, no key has the label (or one already does), or the token lacks a mechanism.
 * The message says which, in words a person at a command line can act on; it never holds a PIN
 * or key material.
 */
public final class Pkcs11Exception extends Exception {
  private static final long serialVersionUID = 1L;

  public Pkcs11Exception(String message) {
    super(message);
  }

  public Pkcs11Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
