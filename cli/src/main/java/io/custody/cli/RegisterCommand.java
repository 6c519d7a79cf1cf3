package io.custody.cli;

import io.custody.crypto.DevicePublicKey;
import io.custody.json.Json;
import io.custody.register.Assignment;
import io.custody.register.Device;
import io.custody.register.DeviceRegister;
import io.custody.register.RegisterFormatException;
import io.custody.register.RegisterKey;
import io.custody.register.RegisterPublicKey;
import io.custody.register.RevocationReason;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.CreateOptions;
import io.custody.storage.ObjectExistsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code custody register}: the force's device register (docs/REGISTER.md). REGISTER is a file
 * (one version a line) or a store URI (one object a version, {@code register/NNNNNNNNNNNN}).
 */
@Command(name = "register", mixinStandardHelpOptions = true,
    description = "The force's device register: which camera each device key is, to whom it was issued, and when it"
        + " was revoked. Signed with the register key (custody keys init --register); every version names the one"
        + " before, so it can only grow. REGISTER: a file, or a store URI (file:DIR, s3://bucket/prefix).",
    subcommands = {RegisterCommand.Init.class, RegisterCommand.Add.class, RegisterCommand.Assign.class,
        RegisterCommand.Revoke.class, RegisterCommand.Show.class, RegisterCommand.Verify.class})
final class RegisterCommand {
  private RegisterCommand() {}

  /** The body of a register command; its errors become one line on stderr and exit 1. */
  private interface Body {
    int run(PrintWriter out) throws IOException;
  }

  private static int run(CommandSpec spec, String name, Body body) {
    try {
      int code = body.run(spec.commandLine().getOut());
      spec.commandLine().getOut().flush();
      return code;
    } catch (IOException | IllegalArgumentException | IllegalStateException | RegisterFormatException e) {
      spec.commandLine().getErr().println("custody register " + name + ": " + e.getMessage());
      return Main.BAD_INPUT;
    }
  }

  /**
   * A time on the command line: ISO 8601 with its offset ({@code 2026-12-04T12:00:00Z}, {@code
   * ...+01:00}), or a date ({@code 2026-12-04}: its start, UTC). Never the machine's time zone.
   */
  static Instant time(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException("not an ISO 8601 time with its offset (2026-12-04T12:00:00Z) or a date: "
            + text, e2);
      }
    }
  }

  /** Where a register is kept, and how a version is added to it. */
  abstract static class Location {
    /** A file path, or a store URI (it has a scheme: file:, s3:, ...). */
    static Location parse(String text) {
      boolean uri = text.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
      return uri ? new InStore(StoreRef.parse(text)) : new InFile(Path.of(text));
    }

    /** The versions, in order; empty if there is no register here. */
    abstract List<String> read() throws IOException;

    /** Adds version {@code n}; refused if another version {@code n} got there first. */
    abstract void append(long n, String line) throws IOException;

    /** The versions, read and checked with the stored public key, or the given one. */
    DeviceRegister open(Optional<RegisterPublicKey> key) throws IOException {
      List<String> lines = read();
      if (lines.isEmpty()) {
        throw new IOException("no register at " + this + " (custody register init makes one)");
      }
      return key.isPresent() ? DeviceRegister.read(lines, key.get()) : DeviceRegister.readTrustingStoredKey(lines);
    }
  }

  /** One file, one version a line; a new version is written beside it and renamed over it, under a lock. */
  static final class InFile extends Location {
    private final Path file;

    InFile(Path file) {
      this.file = file.toAbsolutePath();
    }

    @Override
    List<String> read() throws IOException {
      if (!Files.exists(file)) {
        return List.of();
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      return lines;
    }

    @Override
    @SuppressWarnings("try") // the lock is held for the body, not used in it
    void append(long n, String line) throws IOException {
      Path lock = file.resolveSibling("." + file.getFileName() + ".lock");
      Path part = file.resolveSibling("." + file.getFileName() + ".part");
      try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = ch.lock()) {
        List<String> lines = new ArrayList<>(read());
        if (lines.size() != n) {
          throw new IOException(file + " changed while this version was made (it now has " + lines.size()
              + " versions); run the command again");
        }
        lines.add(line);
        Files.writeString(part, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(part);
      }
    }

    @Override
    public String toString() {
      return file.toString();
    }
  }

  /** A store: version n is the object {@code register/n} (12 digits), created only if absent. */
  static final class InStore extends Location {
    private final StoreRef ref;

    InStore(StoreRef ref) {
      this.ref = ref;
    }

    private static String key(long n) {
      return String.format(Locale.ROOT, "register/%012d", n);
    }

    @Override
    List<String> read() throws IOException {
      List<String> lines = new ArrayList<>();
      try (BlobStore store = ref.open()) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = store.listKeys("register/"); it.hasNext(); ) {
          keys.add(it.next());
        }
        keys.sort(null);
        for (int n = 0; n < keys.size(); n++) {
          if (!keys.get(n).equals(key(n))) {
            throw new RegisterFormatException("the store holds " + keys.get(n) + " where " + key(n)
                + " should be: a version is missing");
          }
          try (InputStream in = store.read(keys.get(n))) {
            byte[] b = in.readNBytes(DeviceRegister.MAX_LINE_BYTES + 1);
            if (b.length > DeviceRegister.MAX_LINE_BYTES) {
              throw new RegisterFormatException(keys.get(n) + " is longer than " + DeviceRegister.MAX_LINE_BYTES
                  + " bytes");
            }
            lines.add(new String(b, StandardCharsets.UTF_8));
          }
        }
      }
      return lines;
    }

    @Override
    void append(long n, String line) throws IOException {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      try (BlobStore store = ref.open(); BlobWriter w = store.create(key(n), CreateOptions.defaults())) {
        w.write(b, 0, b.length);
        w.commit();
      } catch (ObjectExistsException e) {
        throw new IOException("version " + n + " of " + this + " was written by someone else meanwhile; run the"
            + " command again", e);
      }
    }

    @Override
    public String toString() {
      return ref.toString();
    }
  }

  static RegisterPublicKey publicKey(Path file) throws IOException {
    try {
      return RegisterPublicKey.fromPem(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad register public key " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the register, checks it is the key's, applies a change and appends the new version. */
  private static int change(CommandSpec spec, String name, RegisterKeyOptions keyOptions, String register,
      java.util.function.Function<DeviceRegister.Update, DeviceRegister.Update> change, String done) {
    return run(spec, name, out -> {
      RegisterKey key = keyOptions.open();
      Location at = Location.parse(register);
      DeviceRegister r = at.open(Optional.of(key.publicKey()));
      Instant now = Instant.now();
      String line = change.apply(r.update(now.isBefore(r.updated()) ? r.updated() : now)).sign(key);
      at.append(r.version() + 1, line);
      out.printf(Locale.ROOT, "%s; register %s is at version %d%n", done, at, r.version() + 1);
      return Main.OK;
    });
  }

  @Command(name = "init", mixinStandardHelpOptions = true, description = "Creates an empty register at REGISTER.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:created", "1:a register exists there, or a bad key"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin RegisterKeyOptions key;

    @Parameters(paramLabel = "REGISTER")
    String register;

    @Override
    public Integer call() {
      return run(spec, "init", out -> {
        RegisterKey signer = key.open();
        Location at = Location.parse(register);
        if (!at.read().isEmpty()) {
          throw new FileAlreadyExistsException(at + " already holds a register; it is never replaced");
        }
        at.append(0, DeviceRegister.init(signer, Instant.now()));
        out.printf(Locale.ROOT, "register created at %s, signed by register key %s%n", at,
            signer.publicKey().keyIdHex());
        return Main.OK;
      });
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a device key: the camera it is in.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:added", "1:already there, or a bad key or register"})
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin RegisterKeyOptions key;

    @Option(names = "--device-pub", required = true, paramLabel = "PUB", description = "The device's public key (PEM).")
    Path devicePub;

    @Option(names = "--serial", required = true, paramLabel = "S", description = "The camera's serial number.")
    String serial;

    @Option(names = "--model", paramLabel = "M", description = "The camera's model.")
    String model;

    @Option(names = "--from", paramLabel = "TIME", description = "Trusted from (ISO 8601; default: now).")
    String from;

    @Parameters(paramLabel = "REGISTER")
    String register;

    @Override
    public Integer call() {
      DevicePublicKey device;
      try {
        device = DevicePublicKey.fromPem(Files.readString(devicePub, StandardCharsets.US_ASCII));
      } catch (IOException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("custody register add: bad device key " + devicePub + ": "
            + e.getMessage());
        return Main.BAD_INPUT;
      }
      return change(spec, "add", key, register, u -> u.add(device, serial, Optional.ofNullable(model),
          from == null ? Instant.now() : time(from)), "added device key " + device.keyIdHex() + " (camera " + serial
          + ")");
    }
  }

  @Command(name = "assign", mixinStandardHelpOptions = true, description = "Records that a camera was issued to an"
      + " officer, from a time (until its next assignment).",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:assigned", "1:unknown or revoked key, or a bad register"})
  static final class Assign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin RegisterKeyOptions key;

    @Option(names = "--key-id", required = true, paramLabel = "ID", description = "The device key id (hex).")
    String keyId;

    @Option(names = "--officer", required = true, paramLabel = "O", description = "Who holds the camera.")
    String officer;

    @Option(names = "--from", required = true, paramLabel = "TIME", description = "From when (ISO 8601).")
    String from;

    @Parameters(paramLabel = "REGISTER")
    String register;

    @Override
    public Integer call() {
      return change(spec, "assign", key, register, u -> u.assign(keyId, officer, time(from)),
          "device key " + keyId + " assigned to " + officer + " from " + from);
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a device key from a time: nothing"
      + " it signed then or later, nor anything that reached the force then or later, is trusted.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:revoked", "1:unknown or already revoked key, or a bad register"})
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin RegisterKeyOptions key;

    @Option(names = "--key-id", required = true, paramLabel = "ID", description = "The device key id (hex).")
    String keyId;

    @Option(names = "--at", required = true, paramLabel = "TIME", description = "From when (ISO 8601).")
    String at;

    @Option(names = "--reason", required = true, paramLabel = "lost|stolen|retired|compromised", description = "Why.")
    String reason;

    @Parameters(paramLabel = "REGISTER")
    String register;

    @Override
    public Integer call() {
      return change(spec, "revoke", key, register, u -> u.revoke(keyId, time(at),
          RevocationReason.parse(reason)), "device key " + keyId + " revoked (" + reason + ") at " + at);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints the register's devices. It is"
      + " checked with the public key its version 0 names; 'register verify' checks it is the force's.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:shown", "1:no register, or it does not hold"})
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Parameters(paramLabel = "REGISTER")
    String register;

    @Override
    public Integer call() {
      return run(spec, "show", out -> {
        Location at = Location.parse(register);
        DeviceRegister r = at.open(Optional.empty());
        if (json) {
          out.println(Json.write(describe(r)));
          return Main.OK;
        }
        out.printf(Locale.ROOT, "register %s: version %d (%s), register key %s, updated %s%n", at, r.version(),
            r.headSha256(), r.registerKeyId(), DeviceRegister.format(r.updated()));
        for (Device d : r.devices()) {
          out.printf(Locale.ROOT, "  %s  camera %s%s, %s, from %s%s%n", d.keyId(), d.serial(),
              d.model().map(m -> " (" + m + ")").orElse(""), d.suite(), DeviceRegister.format(d.validFrom()),
              d.revocation().map(v -> ", REVOKED (" + v.reason().jsonName() + ") at "
                  + DeviceRegister.format(v.at())).orElse(""));
          for (Assignment a : d.assignments()) {
            out.printf(Locale.ROOT, "      issued to %s from %s%n", a.officer(), DeviceRegister.format(a.from()));
          }
        }
        return Main.OK;
      });
    }
  }

  /** The register as JSON: its version and head, and each device. */
  static Map<String, Object> describe(DeviceRegister r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("version", r.version());
    o.put("head_sha256", r.headSha256());
    o.put("register_key_id", r.registerKeyId());
    o.put("updated", DeviceRegister.format(r.updated()));
    List<Object> devices = new ArrayList<>();
    for (Device d : r.devices()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key_id", d.keyId());
      m.put("serial", d.serial());
      m.put("model", d.model().orElse(null));
      m.put("suite", d.suite());
      m.put("valid_from", DeviceRegister.format(d.validFrom()));
      m.put("revoked_at", d.revocation().map(v -> DeviceRegister.format(v.at())).orElse(null));
      m.put("revocation_reason", d.revocation().map(v -> v.reason().jsonName()).orElse(null));
      List<Object> assignments = new ArrayList<>();
      for (Assignment a : d.assignments()) {
        assignments.add(Map.of("officer", a.officer(), "from", DeviceRegister.format(a.from())));
      }
      m.put("assignments", assignments);
      devices.add(m);
    }
    o.put("devices", devices);
    return o;
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = "Checks that REGISTER is the force's"
      + " (signed by the register key whose public key is given) and holds together: every version signed, each"
      + " naming the one before, every change applicable. Prints the head to record elsewhere.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:it holds", "1:it does not, or cannot be read"})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--register-pub", required = true, paramLabel = "FILE", description = "The register public key (PEM).")
    Path registerPub;

    @Parameters(paramLabel = "REGISTER")
    String register;

    @Override
    public Integer call() {
      return run(spec, "verify", out -> {
        Location at = Location.parse(register);
        DeviceRegister r = at.open(Optional.of(publicKey(registerPub)));
        out.printf(Locale.ROOT, "register %s holds: %d version(s), %d device key(s), signed by register key %s;"
            + " head %s (version %d, %s)%n", at, r.version() + 1, r.devices().size(), r.registerKeyId(),
            r.headSha256(), r.version(), DeviceRegister.format(r.updated()));
        return Main.OK;
      });
    }
  }
}
