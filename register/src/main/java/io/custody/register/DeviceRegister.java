package io.custody.register;

import io.custody.crypto.DevicePublicKey;
import io.custody.json.Json;
import io.custody.json.JsonFormatException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A device register that holds: every version signed by the register key, each naming the hash of
 * the one before, and every change applicable to the state before it (docs/REGISTER.md).
 * Instances exist only verified and are immutable; {@link #update} prepares the next version.
 *
 * <p>A version is one line: its JSON, a TAB, and the base64 signature (Ed25519, or ECDSA P-256 as
 * r ‖ s: the register key's suite) of {@code
 * "custody/v1 register\0" ‖ JSON}. The SHA-256 of the whole line (JSON, TAB and signature) is what
 * the next version names.
 */
public final class DeviceRegister {
  /** The {@code format} member of every version. */
  public static final String FORMAT = "custody-register/1";

  /** The longest version line read, in bytes of UTF-8. */
  public static final int MAX_LINE_BYTES = 1 << 20;

  private static final byte[] PREFIX = "custody/v1 register\0".getBytes(StandardCharsets.US_ASCII);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Set<String> VERSION_MEMBERS =
      Set.of("format", "version", "previous_sha256", "time", "register_key_id", "changes");
  private static final Set<String> FIRST_VERSION_MEMBERS =
      Set.of("format", "version", "previous_sha256", "time", "register_key_id", "changes", "register_public_key");

  private final List<String> lines;
  private final Map<String, Device> devices;
  private final String head;
  private final Instant updated;
  private final String registerKeyId;

  private DeviceRegister(List<String> lines, Map<String, Device> devices, String head, Instant updated,
      String registerKeyId) {
    this.lines = List.copyOf(lines);
    this.devices = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(devices));
    this.head = head;
    this.updated = updated;
    this.registerKeyId = registerKeyId;
  }

  /** Version 0 of a new register signed by {@code key}: no device yet, and the register's public key. */
  public static String init(RegisterKey key, Instant time) {
    Map<String, Object> v = version(0, null, time, key.publicKey().keyIdHex(), List.of());
    v.put("register_public_key", key.publicKey().toPem());
    return line(key, v);
  }

  /**
   * Reads and checks a register with the public key its version 0 names: it holds together, but
   * whose register it is only {@link #read} with the force's own register public key can tell.
   *
   * @throws RegisterFormatException as {@link #read} does, or if version 0 names no usable key
   */
  public static DeviceRegister readTrustingStoredKey(List<String> lines) {
    if (lines.isEmpty()) {
      return read(lines, null);
    }
    String first = lines.get(0);
    int tab = first.indexOf('\t');
    try {
      if (tab >= 0 && Json.parse(first.substring(0, tab)) instanceof Map<?, ?> v
          && v.get("register_public_key") instanceof String pem) {
        return read(lines, RegisterPublicKey.fromPem(pem));
      }
    } catch (IllegalArgumentException e) {
      throw new RegisterFormatException("version 0 does not name a usable register public key: " + e.getMessage(), e);
    }
    throw new RegisterFormatException("version 0 does not name the register's public key");
  }

  /**
   * Reads and checks a register: its versions in order, one line each.
   *
   * @throws RegisterFormatException naming the first version that does not hold and why: malformed,
   *     signed by another key, altered, removed or reordered, or a change that does not apply
   */
  public static DeviceRegister read(List<String> lines, RegisterPublicKey key) {
    if (lines.isEmpty()) {
      throw new RegisterFormatException("an empty register: it has no version 0 (custody register init makes it)");
    }
    Objects.requireNonNull(key, "key");
    Map<String, Draft> state = new LinkedHashMap<>();
    String previous = null;
    Instant last = null;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES) {
        throw new RegisterFormatException("version " + n + " is longer than " + MAX_LINE_BYTES + " bytes");
      }
      int tab = line.indexOf('\t');
      if (tab < 0 || line.indexOf('\t', tab + 1) >= 0) {
        throw new RegisterFormatException("version " + n + " is not one JSON object, a TAB and its signature");
      }
      String json = line.substring(0, tab);
      Map<?, ?> v;
      try {
        v = Json.parse(json) instanceof Map<?, ?> m ? m : null;
      } catch (JsonFormatException e) {
        throw new RegisterFormatException("version " + n + " is not valid JSON: " + e.getMessage(), e);
      }
      Set<String> members = n == 0 ? FIRST_VERSION_MEMBERS : VERSION_MEMBERS;
      if (v == null || !v.keySet().equals(members)) {
        throw new RegisterFormatException("version " + n + " does not have exactly the members " + members);
      }

      if (!FORMAT.equals(v.get("format"))) {
        throw new RegisterFormatException("version " + n + " is of format " + v.get("format") + ", not " + FORMAT);
      }
      if (!key.keyIdHex().equals(v.get("register_key_id"))) {
        throw new RegisterFormatException("version " + n + " is signed by register key " + v.get("register_key_id")
            + ", not by the key given (" + key.keyIdHex() + ")");
      }
      if (n == 0 && !sameKey(v.get("register_public_key"), key)) {
        throw new RegisterFormatException("version 0 names another register public key than the one given ("
            + key.keyIdHex() + ")");
      }
      byte[] signature;
      try {
        signature = Base64.getDecoder().decode(line.substring(tab + 1));
      } catch (IllegalArgumentException e) {
        throw new RegisterFormatException("version " + n + ": its signature is not base64", e);
      }
      if (!key.verify(message(json), signature)) {
        throw new RegisterFormatException("version " + n + "'s signature does not hold under the register key "
            + key.keyIdHex() + ": the version was altered after it was signed");
      }
      if (!Long.valueOf(n).equals(v.get("version"))) {
        throw new RegisterFormatException("line " + n + " holds version " + v.get("version")
            + ": versions were removed or reordered");
      }
      if (!Objects.equals(previous, v.get("previous_sha256"))) {
        throw new RegisterFormatException("version " + n + " names " + v.get("previous_sha256")
            + " as the version before it, but that version hashes to " + previous
            + ": an earlier version was altered, removed or reordered");
      }
      Instant time;
      try {
        time = time(v.get("time"), "its time");
      } catch (IllegalArgumentException e) {
        throw new RegisterFormatException("version " + n + ": " + e.getMessage(), e);
      }
      if (last != null && time.isBefore(last)) {
        throw new RegisterFormatException("version " + n + " is dated " + format(time) + ", before version "
            + (n - 1) + " (" + format(last) + ")");
      }
      if (!(v.get("changes") instanceof List<?> changes) || (n == 0) != changes.isEmpty()) {
        throw new RegisterFormatException("version " + n + (n == 0 ? " must make no change" : " makes no change"));
      }
      for (Object c : changes) {
        try {
          apply(state, c);
        } catch (IllegalArgumentException | ClassCastException e) {
          throw new RegisterFormatException("version " + n + ": " + e.getMessage(), e);
        }
      }
      previous = sha256(line);
      last = time;
    }
    Map<String, Device> devices = new LinkedHashMap<>();
    state.forEach((id, d) -> devices.put(id, d.freeze()));
    return new DeviceRegister(lines, devices, previous, last, key.keyIdHex());
  }

  /** The versions, one line each: what is stored. */
  public List<String> lines() {
    return lines;
  }

  /** The number of the newest version (0 for a new register). */
  public long version() {
    return lines.size() - 1L;
  }

  /** The hex SHA-256 of the newest version: what to record elsewhere so that a cut is detected. */
  public String headSha256() {
    return head;
  }

  /** When the newest version was made. */
  public Instant updated() {
    return updated;
  }

  /** The key id of the register key that signs it. */
  public String registerKeyId() {
    return registerKeyId;
  }

  /** Every device key, in the order they were added. */
  public List<Device> devices() {
    return List.copyOf(devices.values());
  }

  /** The device key {@code keyId} (hex), if the register holds it. */
  public Optional<Device> device(String keyId) {
    return Optional.ofNullable(devices.get(keyId));
  }

  /**
   * Judges a signature by key {@code keyId}: sealed, as the device claims, at {@code sealedAt}, and
   * received by the force at {@code arrivedAt} (a time the device cannot set: the custody ledger's
   * INGESTED entry or the store's own time), when known.
   */
  public Finding check(String keyId, Instant sealedAt, Optional<Instant> arrivedAt) {
    Device d = devices.get(keyId);
    if (d == null) {
      return new Finding(Verdict.UNKNOWN_KEY, Optional.empty(), Optional.empty(),
          "signed by key " + keyId + ", which the register does not hold: the force never issued it");
    }
    Optional<String> officer = d.officerAt(sealedAt);
    String camera = "camera " + d.serial() + d.model().map(m -> " (" + m + ")").orElse("");
    if (d.revocation().isPresent()) {
      Revocation r = d.revocation().get();
      if (!sealedAt.isBefore(r.at())) {
        return new Finding(Verdict.SIGNED_AFTER_REVOCATION, Optional.of(d), officer, camera + ": sealed at "
            + format(sealedAt) + " (device clock), after its key was revoked (" + r.reason().jsonName() + ") at "
            + format(r.at()));
      }
      if (arrivedAt.isPresent() && !arrivedAt.get().isBefore(r.at())) {
        return new Finding(Verdict.SIGNED_AFTER_REVOCATION, Optional.of(d), officer, camera + ": claims to be sealed"
            + " at " + format(sealedAt) + " (device clock), before its key was revoked (" + r.reason().jsonName()
            + ") at " + format(r.at()) + ", but reached the force at " + format(arrivedAt.get()) + ", after it");
      }
    }
    if (sealedAt.isBefore(d.validFrom())) {
      return new Finding(Verdict.OUTSIDE_VALIDITY, Optional.of(d), officer, camera + ": sealed at "
          + format(sealedAt) + " (device clock), before its key was valid (from " + format(d.validFrom()) + ")");
    }
    return new Finding(Verdict.TRUSTED, Optional.of(d), officer, camera + ", " + officer.map(o -> "assigned to " + o)
        .orElse("assigned to no one") + " at " + format(sealedAt) + (arrivedAt.isPresent() ? ", reached the force at "
            + format(arrivedAt.get()) : ""));
  }

  /** Prepares the next version, dated {@code time}. */
  public Update update(Instant time) {
    if (time.isBefore(updated)) {
      throw new IllegalArgumentException("a new version cannot be dated " + format(time) + ", before the newest ("
          + format(updated) + ")");
    }
    return new Update(time);
  }

  /** The changes of the next version, each checked against the register as it would stand. */
  public final class Update {
    private final Instant time;
    private final Map<String, Draft> state = new LinkedHashMap<>();
    private final List<Object> changes = new ArrayList<>();

    private Update(Instant time) {
      this.time = time;
      devices.forEach((id, d) -> state.put(id, Draft.of(d)));
    }

    /**
     * Adds a device key: the camera {@code serial} (and {@code model}), trusted from {@code
     * validFrom}.
     *
     * @throws IllegalArgumentException if the register already holds the key, or the serial is empty
     */
    public Update add(DevicePublicKey key, String serial, Optional<String> model, Instant validFrom) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("op", "add");
      c.put("key_id", key.keyIdHex());
      c.put("public_key", key.toPem());
      c.put("suite", key.suite().id());
      c.put("serial", serial);
      model.ifPresent(m -> c.put("model", m));
      c.put("valid_from", format(validFrom));
      return change(c);
    }

    /**
     * The camera of key {@code keyId} is issued to {@code officer} from {@code from}.
     *
     * @throws IllegalArgumentException if the key is unknown or revoked, or {@code from} is before
     *     the key was valid
     */
    public Update assign(String keyId, String officer, Instant from) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("op", "assign");
      c.put("key_id", keyId);
      c.put("officer", officer);
      c.put("from", format(from));
      return change(c);
    }

    /**
     * Key {@code keyId} is revoked from {@code at}, for {@code reason}.
     *
     * @throws IllegalArgumentException if the key is unknown or already revoked
     */
    public Update revoke(String keyId, Instant at, RevocationReason reason) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("op", "revoke");
      c.put("key_id", keyId);
      c.put("at", format(at));
      c.put("reason", reason.jsonName());
      return change(c);
    }

    private Update change(Map<String, Object> c) {
      apply(state, Json.parse(Json.write(c)));
      changes.add(c);
      return this;
    }

    /**
     * The next version, signed with {@code key}: the line to append.
     *
     * @throws IllegalArgumentException if {@code key} is not the register's key
     * @throws IllegalStateException if there is no change
     */
    public String sign(RegisterKey key) {
      if (!key.publicKey().keyIdHex().equals(registerKeyId)) {
        throw new IllegalArgumentException("this register is signed by register key " + registerKeyId
            + ", not by " + key.publicKey().keyIdHex());
      }
      if (changes.isEmpty()) {
        throw new IllegalStateException("a new version needs a change");
      }
      return line(key, version(lines.size(), head, time, registerKeyId, changes));
    }
  }

  /** A device key's entry while changes are applied. */
  private static final class Draft {
    String keyId;
    DevicePublicKey key;
    String serial;
    Optional<String> model;
    Instant validFrom;
    final List<Assignment> assignments = new ArrayList<>();
    Revocation revocation;

    static Draft of(Device d) {
      Draft x = new Draft();
      x.keyId = d.keyId();
      x.key = d.publicKey();
      x.serial = d.serial();
      x.model = d.model();
      x.validFrom = d.validFrom();
      x.assignments.addAll(d.assignments());
      x.revocation = d.revocation().orElse(null);
      return x;
    }

    Device freeze() {
      return new Device(keyId, key, key.suite().id(), serial, model, validFrom, assignments,
          Optional.ofNullable(revocation));
    }
  }

  /** Applies one change (as parsed JSON) to {@code state}; IllegalArgumentException if it does not apply. */
  private static void apply(Map<String, Draft> state, Object change) {
    if (!(change instanceof Map<?, ?> c)) {
      throw new IllegalArgumentException("a change that is not a JSON object");
    }
    String op = text(c, "op");
    String keyId = text(c, "key_id");
    Draft d = state.get(keyId);
    switch (op) {
      case "add" -> {
        members(c, Set.of("op", "key_id", "public_key", "suite", "serial", "valid_from"), Set.of("model"));
        if (d != null) {
          throw new IllegalArgumentException("device key " + keyId + " is already in the register (camera "
              + d.serial + ")");
        }
        DevicePublicKey key = DevicePublicKey.fromPem(text(c, "public_key"));
        if (!key.keyIdHex().equals(keyId)) {
          throw new IllegalArgumentException("key_id " + keyId + " is not the key id of its public key ("
              + key.keyIdHex() + ")");
        }
        if (!key.suite().id().equals(c.get("suite"))) {
          throw new IllegalArgumentException("device key " + keyId + " is named of suite " + c.get("suite")
              + ", but its public key is of suite " + key.suite().id());
        }
        Draft n = new Draft();
        n.keyId = keyId;
        n.key = key;
        n.serial = text(c, "serial");
        n.model = c.containsKey("model") ? Optional.of(text(c, "model")) : Optional.empty();
        n.validFrom = time(c.get("valid_from"), "valid_from");
        state.put(keyId, n);
      }
      case "assign" -> {
        members(c, Set.of("op", "key_id", "officer", "from"), Set.of());
        Draft x = known(d, keyId);
        Instant from = time(c.get("from"), "from");
        if (from.isBefore(x.validFrom)) {
          throw new IllegalArgumentException("device key " + keyId + " cannot be assigned from " + format(from)
              + ", before it was valid (" + format(x.validFrom) + ")");
        }
        x.assignments.add(new Assignment(text(c, "officer"), from));
      }
      case "revoke" -> {
        members(c, Set.of("op", "key_id", "at", "reason"), Set.of());
        Draft x = known(d, keyId);
        if (x.revocation != null) {
          throw new IllegalArgumentException("device key " + keyId + " was already revoked ("
              + x.revocation.reason().jsonName() + ") at " + format(x.revocation.at()));
        }
        x.revocation = new Revocation(time(c.get("at"), "at"), RevocationReason.parse(text(c, "reason")));
      }
      default -> throw new IllegalArgumentException("an unknown change: " + op);
    }
  }

  private static Draft known(Draft d, String keyId) {
    if (d == null) {
      throw new IllegalArgumentException("device key " + keyId + " is not in the register");
    }
    if (d.revocation != null) {
      throw new IllegalArgumentException("device key " + keyId + " was revoked (" + d.revocation.reason().jsonName()
          + ") at " + format(d.revocation.at()));
    }
    return d;
  }

  private static void members(Map<?, ?> c, Set<String> required, Set<String> optional) {
    for (Object k : c.keySet()) {
      if (!required.contains(k) && !optional.contains(k)) {
        throw new IllegalArgumentException("a " + c.get("op") + " change with the unknown member " + k);
      }
    }
    for (String k : required) {
      if (!c.containsKey(k)) {
        throw new IllegalArgumentException("a " + c.get("op") + " change without " + k);
      }
    }
  }

  private static String text(Map<?, ?> c, String name) {
    if (!(c.get(name) instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException("a change without a non-empty " + name);
    }
    return s;
  }

  private static Instant time(Object value, String what) {
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(what + " is not a time");
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(what + " is not an RFC 3339 UTC time: " + s, e);
    }
  }

  private static boolean sameKey(Object pem, RegisterPublicKey key) {
    try {
      return pem instanceof String p && RegisterPublicKey.fromPem(p).equals(key);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A time as the register writes it: UTC, milliseconds. */
  public static String format(Instant t) {
    return TIME.format(t);
  }

  private static Map<String, Object> version(long n, String previous, Instant time, String keyId,
      List<Object> changes) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("format", FORMAT);
    v.put("version", n);
    v.put("previous_sha256", previous);
    v.put("time", format(time));
    v.put("register_key_id", keyId);
    v.put("changes", changes);
    return v;
  }

  private static String line(RegisterKey key, Map<String, Object> version) {
    String json = Json.write(version);
    return json + "\t" + Base64.getEncoder().encodeToString(key.sign(message(json)));
  }

  private static byte[] message(String json) {
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    byte[] m = new byte[PREFIX.length + j.length];
    System.arraycopy(PREFIX, 0, m, 0, PREFIX.length);
    System.arraycopy(j, 0, m, PREFIX.length, j.length);
    return m;
  }

  private static String sha256(String line) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(line.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
