package io.custody.crypto;

/**
 * A signer whose key is held outside this process (a hardware token) could not sign: the token
 * was removed, its session was lost, or it refused. Unchecked, like the I/O failures of the
 * sealing path it surfaces in, because the caller cannot sign around it; it never happens with a
 * key held in software. The message never holds key material or a PIN.
 */
public final class SigningException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }
}
