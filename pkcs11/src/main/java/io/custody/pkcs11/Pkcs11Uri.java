package io.custody.pkcs11;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * A key in a PKCS#11 token named by an RFC 7512 URI: {@code pkcs11:token=T;object=O}, the token's
 * label and the key's label ({@code CKA_LABEL}), percent-encoded where needed.
 *
 * <p>Only those two path attributes, plus {@code type=private} or {@code type=public} (ignored: a
 * URI names a key pair here, whose halves share one label), are accepted. Everything else is
 * refused with its name, and so are query attributes: the module path and the PIN come from
 * options, environment variables or files, never from a URI, since a URI is typed on command
 * lines that other users of the machine can read. Immutable.
 */
public final class Pkcs11Uri {
  /** The scheme, with its colon. */
  public static final String SCHEME = "pkcs11:";

  private final String token;
  private final String object;

  private Pkcs11Uri(String token, String object) {
    this.token = token;
    this.object = object;
  }

  /** Whether {@code text} is meant as a PKCS#11 URI (it starts with {@code pkcs11:}). */
  public static boolean isPkcs11(String text) {
    return text != null && text.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /** A URI naming key {@code object} in token {@code token}. */
  public static Pkcs11Uri of(String token, String object) {
    if (token.isEmpty() || object.isEmpty()) {
      throw new IllegalArgumentException("a PKCS#11 key needs a token label and an object label");
    }
    return new Pkcs11Uri(token, object);
  }

  /**
   * Parses {@code pkcs11:token=T;object=O} (RFC 7512).
   *
   * @throws IllegalArgumentException with a message naming what is wrong
   */
  public static Pkcs11Uri parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!isPkcs11(text)) {
      throw new IllegalArgumentException("not a PKCS#11 URI (pkcs11:token=T;object=O): " + text);
    }
    String rest = text.substring(SCHEME.length());
    if (rest.indexOf('?') >= 0) {
      throw new IllegalArgumentException("PKCS#11 URI query attributes (" + rest.substring(rest.indexOf('?'))
          + ") are not taken: the module comes from --pkcs11-module or CUSTODY_PKCS11_MODULE, the PIN from"
          + " --pin-file or CUSTODY_PKCS11_PIN");
    }
    String token = null;
    String object = null;
    for (String attribute : rest.split(";", -1)) {
      int eq = attribute.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("PKCS#11 URI attribute \"" + attribute + "\" is not NAME=VALUE");
      }
      String name = attribute.substring(0, eq).toLowerCase(Locale.ROOT);
      String value = decode(attribute.substring(eq + 1));
      switch (name) {
        case "token" -> token = once(name, token, value);
        case "object" -> object = once(name, object, value);
        case "type" -> {
          if (!value.equals("private") && !value.equals("public")) {
            throw new IllegalArgumentException("PKCS#11 URI type=" + value + ": a key pair is private or public");
          }
        }
        case "pin-value", "pin-source" -> throw new IllegalArgumentException(
            "a PIN is never taken from a URI: use --pin-file or CUSTODY_PKCS11_PIN");
        default -> throw new IllegalArgumentException(
            "PKCS#11 URI attribute \"" + name + "\" is not supported (token and object name a key)");
      }
    }
    if (token == null || object == null || token.isEmpty() || object.isEmpty()) {
      throw new IllegalArgumentException("a PKCS#11 key URI names both its token and its object: pkcs11:token=T;object=O");
    }
    return new Pkcs11Uri(token, object);
  }

  private static String once(String name, String previous, String value) {
    if (previous != null) {
      throw new IllegalArgumentException("PKCS#11 URI attribute \"" + name + "\" is given twice");
    }
    return value;
  }

  /** RFC 3986 percent-decoding to UTF-8. */
  private static String decode(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= value.length()) {
          throw new IllegalArgumentException("PKCS#11 URI: a % is not followed by two hex digits");
        }
        int hi = Character.digit(value.charAt(i + 1), 16);
        int lo = Character.digit(value.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("PKCS#11 URI: a % is not followed by two hex digits");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The token's label ({@code CK_TOKEN_INFO.label}). */
  public String token() {
    return token;
  }

  /** The key's label ({@code CKA_LABEL}), shared by its private and public halves. */
  public String object() {
    return object;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pkcs11Uri u && u.token.equals(token) && u.object.equals(object);
  }

  @Override
  public int hashCode() {
    return Objects.hash(token, object);
  }

  /** The URI, percent-encoding every byte outside RFC 7512's unreserved set. */
  @Override
  public String toString() {
    return SCHEME + "token=" + encode(token) + ";object=" + encode(object);
  }

  private static String encode(String value) {
    StringBuilder b = new StringBuilder();
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~:[]@!$'()*+,&".indexOf(c) >= 0) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return b.toString();
  }
}
