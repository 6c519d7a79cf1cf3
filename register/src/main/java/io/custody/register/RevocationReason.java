package io.custody.register;

import java.util.Locale;

/** Why a device key stopped being trusted. */
public enum RevocationReason {
  /** The camera was lost. */
  LOST,
  /** The camera was stolen. */
  STOLEN,
  /** The camera was taken out of service. */
  RETIRED,
  /** The key is known or suspected to be in other hands. */
  COMPROMISED;

  /** The name in the register and on the command line: lower case. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The reason named {@code name} ({@code lost}, {@code stolen}, {@code retired}, {@code
   * compromised}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static RevocationReason parse(String name) {
    for (RevocationReason r : values()) {
      if (r.jsonName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("a revocation reason is lost, stolen, retired or compromised, not " + name);
  }
}
