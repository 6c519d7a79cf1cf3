package io.custody.mp4;

/**
 * A setting given to a builder or constructor of the write path is out of range or missing, found
 * when it is set or at {@code build()}, not when the first trigger uses it. {@link #setting()}
 * names the setting as the builder method (or constructor parameter) that takes it, so a
 * configuration screen can point at the field.
 */
public final class InvalidSettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String setting;

  /**
   * An invalid {@code setting}; the message is the setting's name, a colon and {@code message}.
   *
   * @param setting the setting's name, e.g. {@code "fragmentDuration"}
   * @param message what is wrong with its value, for people
   */
  public InvalidSettingException(String setting, String message) {
    super(setting + ": " + message);
    this.setting = setting;
  }

  /** The setting's name: the builder method (or constructor parameter) that takes it. */
  public String setting() {
    return setting;
  }
}
