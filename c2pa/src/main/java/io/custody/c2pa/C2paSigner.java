package io.custody.c2pa;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Embeds a C2PA manifest store (C2PA 2.x) in an ISO BMFF file (MP4, plain or fragmented), signed
 * with the force's export certificate: a {@code uuid} box right after {@code ftyp} holding the
 * JUMBF manifest store, whose claim (v2) lists the assertions given, a {@code c2pa.hash.bmff.v3}
 * hard binding of every other top-level box (with its offset), and a COSE_Sign1 signature carrying
 * the certificate chain ({@code x5chain}). With {@link Builder#fragmentMerkle()} the binding is the
 * Merkle form instead, and a C2PA {@code uuid} box of purpose {@code merkle} goes before each {@code
 * moof}. Nothing else in the file changes (removing the C2PA boxes gives the input back), so
 * offsets relative to a {@code moof} (fragmented MP4) stay valid, but an {@code mfra}'s {@code tfra}
 * offsets are not moved (it is outside the binding); a plain MP4's chunk offsets ({@code stco}, {@code
 * co64}) are not rewritten, so only fragmented files (or files whose {@code moov} precedes no
 * media) are accepted. Immutable and thread-safe.
 */
public final class C2paSigner {
  /** The ISO BMFF {@code uuid} extended type of a C2PA box. */
  static final byte[] C2PA_UUID = HexFormat.of().parseHex("d8fec3d61b0e483c92975828877ec481");
  static final String HASH_LABEL = "c2pa.hash.bmff.v3";
  /**
   * The room kept in the signature for a time-stamp token and its padding, in bytes: the hard
   * binding covers every box's offset, so the manifest's size is fixed before the token exists
   * (c2pa-rs keeps 10,000 bytes).
   */
  public static final int TIMESTAMP_RESERVE = 12_288;

  /**
   * An RFC 3161 time-stamping authority, as C2PA's {@code sigTst2} uses it: the token is over the
   * claim signature, so it proves the manifest existed at the authority's time, and validators
   * check the export certificate at that time rather than at theirs.
   */
  @FunctionalInterface
  public interface Timestamper {
    /**
     * A time-stamp token for {@code data}: the DER encoding of a TimeStampToken (a CMS ContentInfo
     * holding SignedData) whose message imprint is the SHA-256 of {@code data} and which carries the
     * authority's certificate.
     *
     * @throws IOException if the authority cannot be reached or gives no acceptable token
     */
    byte[] timestamp(byte[] data) throws IOException;
  }

  private final SigningCredentials credentials;
  private final String title;
  private final Map<String, Object> generator;
  private final List<Map<String, Object>> actions;
  private final Map<String, Map<String, Object>> assertions;
  private final Timestamper timestamper;
  private final boolean merkle;

  private C2paSigner(Builder b) {
    this.credentials = b.credentials;
    this.title = b.title;
    this.generator = b.generator;
    this.actions = List.copyOf(b.actions);
    this.assertions = new LinkedHashMap<>(b.assertions);
    this.timestamper = b.timestamper;
    this.merkle = b.merkle;
  }

  /** A signer with {@code credentials} (the force's export certificate and key). */
  public static Builder builder(SigningCredentials credentials) {
    return new Builder(credentials);
  }

  /** What goes in the manifest besides the hard binding. */
  public static final class Builder {
    private final SigningCredentials credentials;
    private String title = "";
    private Map<String, Object> generator = Map.of("name", "Custody", "version", "0.1.0");
    private final List<Map<String, Object>> actions = new ArrayList<>();
    private final Map<String, Map<String, Object>> assertions = new LinkedHashMap<>();
    private Timestamper timestamper;
    private boolean merkle;

    private Builder(SigningCredentials credentials) {
      this.credentials = Objects.requireNonNull(credentials);
    }

    /** The asset's title ({@code dc:title}, e.g. the file name). */
    public Builder title(String title) {
      this.title = Objects.requireNonNull(title);
      return this;
    }

    /** The claim generator: the software that signs ({@code claim_generator_info}). */
    public Builder generator(String name, String version) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("name", name);
      g.put("version", version);
      this.generator = g;
      return this;
    }

    /** One action of the {@code c2pa.actions.v2} assertion, in order (its members as C2PA names them). */
    public Builder action(Map<String, Object> action) {
      if (!(action.get("action") instanceof String)) {
        throw new IllegalArgumentException("an action needs its \"action\" name");
      }
      actions.add(action);
      return this;
    }

    /** A CBOR assertion under {@code label} (a label in the signer's own namespace). */
    public Builder assertion(String label, Map<String, Object> content) {
      if (label.startsWith("c2pa.")) {
        throw new IllegalArgumentException("c2pa.* labels are the specification's: " + label);
      }
      assertions.put(label, content);
      return this;
    }

    /**
     * Time-stamps the claim signature with {@code authority} ({@code sigTst2} in the COSE
     * unprotected header; {@value #TIMESTAMP_RESERVE} bytes are kept for the token).
     */
    public Builder timestamper(Timestamper authority) {
      this.timestamper = Objects.requireNonNull(authority);
      return this;
    }

    /**
     * Binds the media with the Merkle form of the hash (see {@link BmffMerkle}) instead of the flat
     * one, so that each fragment can be checked read on its own, with the init segment (C2PA's
     * fragmented-MP4 form): every {@code moof} gets a C2PA {@code uuid} box of purpose {@code merkle}
     * before it, holding its place in the tree and its proof, and the hash assertion holds the
     * init segment's hash and the tree's root. Only for a fragmented MP4 made of {@code moof}+{@code
     * mdat} pairs after its {@code moov} (and an optional {@code mfra} last), without {@code sidx} or
     * absolute data offsets in {@code tfhd}.
     */
    public Builder fragmentMerkle() {
      this.merkle = true;
      return this;
    }

    public C2paSigner build() {
      if (actions.isEmpty()) {
        throw new IllegalStateException("a manifest needs its actions (the first c2pa.created or c2pa.opened)");
      }
      return new C2paSigner(this);
    }
  }

  /**
   * What was embedded.
   *
   * @param label the manifest's label ({@code urn:c2pa:…})
   * @param manifestBytes the size of the manifest's {@code uuid} box added (the Merkle form adds
   *     a {@code uuid} box per fragment besides)
   * @param bmffHash the hard binding's SHA-256, hex: the flat hash, or the Merkle tree's root
   */
  public record Result(String label, long manifestBytes, String bmffHash) {}

  /** A top-level box of the input. */
  record Box(String type, long offset, long size, boolean c2pa) {}

  /**
   * Writes {@code out}: {@code in} with the signed manifest store in a {@code uuid} box after its
   * {@code ftyp} (and in the Merkle form a Merkle box before each {@code moof}). Reads {@code in}
   * twice (hash, then copy; the Merkle form three times); writes {@code out} under a temporary name
   * and renames it when complete.
   *
   * @throws IllegalArgumentException if {@code in} is not ISO BMFF starting with {@code ftyp}, already
   *     holds a C2PA manifest, is a plain MP4 with media before its {@code moov}, or has a {@code
   *     tfhd} with an absolute base data offset (both would point past the moved media); in the
   *     Merkle form, if it is not fragmented as {@link Builder#fragmentMerkle()} needs
   */
  public Result sign(Path in, Path out) throws IOException, GeneralSecurityException {
    List<Box> boxes = boxes(in);
    check(boxes);
    try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
      for (Box b : boxes) {
        if (b.type().equals("moof") && absoluteDataOffset(ch, b)) {
          throw new IllegalArgumentException("the moof at byte " + b.offset()
              + " has a tfhd base data offset: inserting the manifest would move what it points at");
        }
      }
    }
    Box ftyp = boxes.get(0);
    List<Box> moofs = merkle ? fragments(boxes) : List.of();
    String label = "urn:c2pa:" + UUID.randomUUID();
    SecureRandom random = new SecureRandom();
    // the fragments' Merkle boxes and tree: each leaf is over its fragment alone, so nothing here
    // depends on the manifest
    List<byte[]> merkleBoxes = new ArrayList<>();
    byte[] root = null;
    if (merkle) {
      List<byte[]> leaves = new ArrayList<>();
      ByteBuffer offset = ByteBuffer.allocate(8);
      try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
        for (int i = 0; i < moofs.size(); i++) {
          Box moof = moofs.get(i);
          Box mdat = boxes.get(boxes.indexOf(moof) + 1);
          long at = BmffMerkle.box(i, zeros(BmffMerkle.proofLength(moofs.size(), i))).length;
          MessageDigest leaf = sha256();
          for (Box b : List.of(moof, mdat)) {
            offset.clear();
            offset.putLong(at).flip();
            leaf.update(offset);
            digest(ch, b.offset(), b.size(), leaf);
            at += b.size();
          }
          leaves.add(leaf.digest());
        }
      }
      List<List<byte[]>> tree = BmffMerkle.tree(leaves);
      root = tree.get(tree.size() - 1).get(0);
      for (int i = 0; i < moofs.size(); i++) {
        merkleBoxes.add(BmffMerkle.box(i, BmffMerkle.proof(tree, i)));
      }
    }
    // assertion boxes (their sizes do not depend on the hash value)
    Map<String, byte[]> salts = new LinkedHashMap<>();
    Map<String, Object> contents = new LinkedHashMap<>();
    Map<String, Object> actionsAssertion = new LinkedHashMap<>();
    actionsAssertion.put("actions", actions);
    contents.put("c2pa.actions.v2", actionsAssertion);
    contents.putAll(assertions);
    contents.put(HASH_LABEL, binding(new byte[32], moofs.size(), root));
    for (String l : contents.keySet()) {
      byte[] salt = new byte[16];
      random.nextBytes(salt);
      salts.put(l, salt);
    }
    byte[] unsigned = new byte[signatureLength()];
    int coseSize = timestamper == null ? -1 : cose(unsigned, null, -1).length + TIMESTAMP_RESERVE;
    byte[] cose0 = cose(unsigned, null, coseSize);
    byte[] store0 = store(label, contents, salts, claim(label, contents, salts), cose0);
    long uuidSize = uuidBox(store0).length;
    // the hard binding: every top-level box but the excluded ones, with its offset in the output
    // (the Merkle form: the init segment's, every box before the first moof)
    MessageDigest sha = sha256();
    ByteBuffer offset = ByteBuffer.allocate(8);
    try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
      for (Box b : boxes) {
        if (merkle && b.type().equals("moof")) {
          break;
        }
        if (excluded(b)) {
          continue;
        }
        long at = b.offset() + (b.offset() >= ftyp.size() ? uuidSize : 0);
        offset.clear();
        offset.putLong(at).flip();
        sha.update(offset);
        digest(ch, b.offset(), b.size(), sha);
      }
    }
    byte[] bmffHash = sha.digest();
    contents.put(HASH_LABEL, binding(bmffHash, moofs.size(), root));
    byte[] claim = claim(label, contents, salts);
    byte[] signature = sign(claim);
    byte[] cose = cose(signature, timestamper == null ? null : timestamper.timestamp(countersigned(signature)), coseSize);
    byte[] uuid = uuidBox(store(label, contents, salts, claim, cose));
    if (uuid.length != uuidSize) {
      throw new IllegalStateException("the manifest changed size when signed: " + uuid.length + " != " + uuidSize);
    }
    Path part = out.resolveSibling("." + out.getFileName() + ".part");
    try {
      try (FileChannel src = FileChannel.open(in, StandardOpenOption.READ);
          OutputStream o = Files.newOutputStream(part)) {
        copy(src, 0, ftyp.size(), o);
        o.write(uuid);
        for (Box b : boxes.subList(1, boxes.size())) {
          int fragment = moofs.indexOf(b);
          if (fragment >= 0) {
            o.write(merkleBoxes.get(fragment));
          }
          copy(src, b.offset(), b.size(), o);
        }
      }
      Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(part);
    }
    return new Result(label, uuid.length, HexFormat.of().formatHex(merkle ? root : bmffHash));
  }

  /** The hash assertion: flat ({@code hash}), or the Merkle form's map with {@code hash} as its initHash. */
  private Map<String, Object> binding(byte[] hash, int fragments, byte[] root) {
    if (!merkle) {
      return hashAssertion(hash);
    }
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("exclusions", exclusions());
    a.put("alg", "sha256");
    a.put("merkle", List.of(BmffMerkle.map(fragments, hash, root)));
    a.put("name", "jumbf manifest");
    return a;
  }

  private static List<byte[]> zeros(int n) {
    List<byte[]> z = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      z.add(new byte[32]);
    }
    return z;
  }

  /**
   * The fragments of {@code boxes} for the Merkle form: the {@code moof} of each {@code moof}+{@code
   * mdat} pair.
   *
   * @throws IllegalArgumentException if the file is not made of such pairs after its init segment
   *     (an {@code mfra} may end it), or has a {@code sidx}
   */
  private static List<Box> fragments(List<Box> boxes) {
    List<Box> moofs = new ArrayList<>();
    int first = -1;
    for (int i = 0; i < boxes.size(); i++) {
      if (boxes.get(i).type().equals("sidx")) {
        throw new IllegalArgumentException("a sidx: its sizes would not count the Merkle boxes");
      }
      if (first < 0 && boxes.get(i).type().equals("moof")) {
        first = i;
      }
    }
    if (first < 0) {
      throw new IllegalArgumentException("the Merkle form needs a fragmented MP4 (no moof)");
    }
    for (int i = first; i < boxes.size(); i += 2) {
      Box b = boxes.get(i);
      if (b.type().equals("mfra") && i == boxes.size() - 1) {
        break;
      }
      if (!b.type().equals("moof") || i + 1 == boxes.size() || !boxes.get(i + 1).type().equals("mdat")) {
        throw new IllegalArgumentException("box '" + b.type() + "' at byte " + b.offset()
            + ": the Merkle form needs moof+mdat pairs after the init segment");
      }
      moofs.add(b);
    }
    return moofs;
  }

  /** Whether a {@code tfhd} of {@code moof} carries a base data offset (flag 0x000001). */
  private static boolean absoluteDataOffset(FileChannel ch, Box moof) throws IOException {
    if (moof.size() > 64 << 20) {
      throw new IllegalArgumentException("a moof of " + moof.size() + " bytes");
    }
    ByteBuffer m = ByteBuffer.allocate((int) moof.size());
    while (m.hasRemaining() && ch.read(m, moof.offset() + m.position()) > 0) {
      // reading
    }
    for (int at = 8; at + 8 <= m.capacity(); at = next(m, at)) {
      if (type(m, at).equals("traf")) {
        int end = next(m, at);
        for (int c = at + 8; c + 12 <= end; c = next(m, c)) {
          if (type(m, c).equals("tfhd") && (m.getInt(c + 8) & 0x000001) != 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Where the box at {@code at} of {@code b} ends (at least 8 bytes on, at most {@code b}'s end). */
  private static int next(ByteBuffer b, int at) {
    return (int) Math.min(b.capacity(), at + Math.max(8, b.getInt(at) & 0xffffffffL));
  }

  private static String type(ByteBuffer b, int at) {
    byte[] t = new byte[4];
    b.get(at + 4, t);
    return new String(t, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Whether the hard binding leaves {@code b} out (the exclusions of {@link #hashAssertion}). */
  static boolean excluded(Box b) {
    return b.c2pa() || b.type().equals("ftyp") || b.type().equals("mfra") || b.type().equals("free")
        || b.type().equals("skip");
  }

  private static void check(List<Box> boxes) {
    if (boxes.isEmpty() || !boxes.get(0).type().equals("ftyp")) {
      throw new IllegalArgumentException("not an ISO BMFF file starting with ftyp");
    }
    boolean moof = false;
    boolean moov = false;
    for (Box b : boxes) {
      if (b.c2pa()) {
        throw new IllegalArgumentException("the file already holds a C2PA manifest");
      }
      moof |= b.type().equals("moof");
      if (b.type().equals("mdat") && !moov && !moof) {
        throw new IllegalArgumentException("media (mdat) before moov in a plain MP4: its chunk offsets would move");
      }
      moov |= b.type().equals("moov");
    }
  }

  /** The {@code c2pa.hash.bmff.v3} assertion: the exclusions c2pa-rs writes, and the hash. */
  static Map<String, Object> hashAssertion(byte[] hash) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("exclusions", exclusions());
    a.put("alg", "sha256");
    a.put("hash", hash);
    a.put("name", "jumbf manifest");
    return a;
  }

  /** The exclusions c2pa-rs writes: C2PA's uuid boxes (the manifest's and the Merkle boxes), ftyp, mfra, free, skip. */
  private static List<Object> exclusions() {
    Map<String, Object> uuidData = new LinkedHashMap<>();
    uuidData.put("offset", 8);
    uuidData.put("value", C2PA_UUID);
    Map<String, Object> uuid = new LinkedHashMap<>();
    uuid.put("xpath", "/uuid");
    uuid.put("data", List.of(uuidData));
    return List.of(uuid, Map.of("xpath", "/ftyp"), Map.of("xpath", "/mfra"), Map.of("xpath", "/free"),
        Map.of("xpath", "/skip"));
  }

  /** The assertion superbox of {@code label}. */
  private static byte[] assertionBox(String label, Object content, byte[] salt) {
    return Jumbf.superbox("cbor", label, salt, Jumbf.cbor(Cbor.encode(content)));
  }

  /** The claim (v2): the assertions by hashed URI (SHA-256 of each box less its 8-byte header). */
  private byte[] claim(String label, Map<String, Object> contents, Map<String, byte[]> salts) {
    MessageDigest sha = sha256();
    List<Object> created = new ArrayList<>();
    for (Map.Entry<String, Object> e : contents.entrySet()) {
      byte[] box = assertionBox(e.getKey(), e.getValue(), salts.get(e.getKey()));
      sha.update(box, 8, box.length - 8);
      Map<String, Object> uri = new LinkedHashMap<>();
      uri.put("url", "self#jumbf=c2pa.assertions/" + e.getKey());
      uri.put("hash", sha.digest());
      created.add(uri);
    }
    Map<String, Object> claim = new LinkedHashMap<>();
    claim.put("instanceID", "xmp.iid:" + UUID.nameUUIDFromBytes(label.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    claim.put("claim_generator_info", generator);
    claim.put("signature", "self#jumbf=/c2pa/" + label + "/c2pa.signature");
    claim.put("created_assertions", created);
    claim.put("dc:title", title);
    claim.put("alg", "sha256");
    return Cbor.encode(claim);
  }

  /** The manifest store: c2pa / the manifest / (assertions, claim, signature). */
  private static byte[] store(String label, Map<String, Object> contents, Map<String, byte[]> salts, byte[] claim,
      byte[] cose) {
    List<byte[]> boxes = new ArrayList<>();
    for (Map.Entry<String, Object> e : contents.entrySet()) {
      boxes.add(assertionBox(e.getKey(), e.getValue(), salts.get(e.getKey())));
    }
    byte[] assertionStore = Jumbf.superbox("c2as", "c2pa.assertions", null, boxes.toArray(new byte[0][]));
    byte[] claimBox = Jumbf.superbox("c2cl", "c2pa.claim.v2", null, Jumbf.cbor(claim));
    byte[] signatureBox = Jumbf.superbox("c2cs", "c2pa.signature", null, Jumbf.cbor(cose));
    byte[] manifest = Jumbf.superbox("c2ma", label, null, assertionStore, claimBox, signatureBox);
    return Jumbf.superbox("c2pa", "c2pa", null, manifest);
  }

  /** The ISO BMFF box: uuid, C2PA's UUID, version and flags 0, purpose "manifest", aux offset 0, JUMBF. */
  private static byte[] uuidBox(byte[] jumbf) {
    ByteBuffer head = ByteBuffer.allocate(16 + 4 + 9 + 8);
    head.put(C2PA_UUID).putInt(0).put("manifest\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putLong(0);
    return Jumbf.box("uuid", head.array(), jumbf);
  }

  /**
   * COSE_Sign1 (tag 18): protected {alg, x5chain}, a detached payload, and unprotected members: the
   * time-stamp token ({@code sigTst2}) if there is one, and when {@code size} is not negative a
   * {@code pad} byte string of zeros that makes the whole exactly {@code size} bytes (as c2pa-rs pads).
   */
  private byte[] cose(byte[] signature, byte[] token, int size) throws GeneralSecurityException, IOException {
    Map<String, Object> unprotected = new LinkedHashMap<>();
    if (token != null) {
      unprotected.put("sigTst2", Map.of("tstTokens", List.of(Map.of("val", token))));
    }
    byte[] plain = Cbor.encode(new Cbor.Tagged(18, Arrays.asList(protectedHeader(), unprotected, null, signature)));
    if (size < 0) {
      return plain;
    }
    int room = size - plain.length - 4; // the key "pad": a one-byte text header and three letters
    for (int header : new int[] {1, 2, 3, 5}) {
      int n = room - header;
      if (n >= 0 && (n < 24 ? 1 : n < 256 ? 2 : n < 65_536 ? 3 : 5) == header) {
        unprotected.put("pad", new byte[n]);
        byte[] padded = Cbor.encode(new Cbor.Tagged(18, Arrays.asList(protectedHeader(), unprotected, null, signature)));
        if (padded.length == size) {
          return padded;
        }
        unprotected.remove("pad");
      }
    }
    throw new IOException("the time-stamp token (" + (token == null ? 0 : token.length) + " bytes) does not fit the "
        + TIMESTAMP_RESERVE + " bytes kept for it");
  }

  /**
   * What {@code sigTst2} time-stamps: the COSE countersignature structure ["CounterSignature",
   * protected, h'', payload] whose payload is the claim signature as a CBOR byte string.
   */
  private byte[] countersigned(byte[] signature) throws GeneralSecurityException {
    return countersigned(protectedHeader(), signature);
  }

  static byte[] countersigned(byte[] protectedHeader, byte[] signature) {
    return Cbor.encode(Arrays.asList("CounterSignature", protectedHeader, new byte[0], Cbor.encode(signature)));
  }

  private byte[] protectedHeader() throws GeneralSecurityException {
    List<Object> chain = new ArrayList<>();
    for (X509Certificate c : credentials.chain()) {
      chain.add(c.getEncoded());
    }
    Map<Object, Object> h = new LinkedHashMap<>();
    h.put(1, credentials.algorithm().coseId());
    h.put(33, chain);
    return Cbor.encode(h);
  }

  private int signatureLength() {
    return 64; // ES256: r ‖ s, 32 bytes each; Ed25519: 64 bytes
  }

  /** The COSE signature over Sig_structure ["Signature1", protected, h'', claim]. */
  private byte[] sign(byte[] claim) throws GeneralSecurityException {
    byte[] toBeSigned = Cbor.encode(Arrays.asList("Signature1", protectedHeader(), new byte[0], claim));
    Signature s = Signature.getInstance(credentials.algorithm() == SigningCredentials.Algorithm.ES256
        ? "SHA256withECDSA" : "Ed25519", SigningCredentials.BC);
    s.initSign(credentials.privateKey());
    s.update(toBeSigned);
    byte[] sig = s.sign();
    return credentials.algorithm() == SigningCredentials.Algorithm.ES256 ? Cose.derToRaw(sig, 32) : sig;
  }

  /** The top-level boxes of a file (size 1: a 64-bit size follows; size 0: to the end). */
  static List<Box> boxes(Path file) throws IOException {
    List<Box> boxes = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate(16 + 16);
      for (long at = 0; at < size; ) {
        head.clear();
        ch.read(head, at);
        head.flip();
        if (head.remaining() < 8) {
          throw new IllegalArgumentException("a box header cut short at byte " + at);
        }
        long n = head.getInt() & 0xffffffffL;
        String type = new String(new byte[] {head.get(), head.get(), head.get(), head.get()},
            java.nio.charset.StandardCharsets.ISO_8859_1);
        int header = 8;
        if (n == 1) {
          if (head.remaining() < 8) {
            throw new IllegalArgumentException("a 64-bit box size cut short at byte " + at);
          }
          n = head.getLong();
          header = 16;
        } else if (n == 0) {
          n = size - at;
        }
        if (n < header || at + n > size) {
          throw new IllegalArgumentException("box '" + type + "' at byte " + at + " claims " + n + " bytes");
        }
        boolean c2pa = false;
        if (type.equals("uuid") && head.remaining() >= 16) {
          byte[] u = new byte[16];
          head.get(u);
          c2pa = Arrays.equals(u, C2PA_UUID);
        }
        boxes.add(new Box(type, at, n, c2pa));
        at += n;
      }
    }
    return boxes;
  }

  static void digest(FileChannel ch, long from, long length, MessageDigest sha) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    for (long at = from, left = length; left > 0; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), left));
      int n = ch.read(buf, at);
      if (n < 0) {
        throw new IOException("the file changed while it was hashed");
      }
      buf.flip();
      sha.update(buf);
      at += n;
      left -= n;
    }
  }

  private static void copy(FileChannel src, long from, long length, OutputStream out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    for (long at = from, left = length; left > 0; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), left));
      int n = src.read(buf, at);
      if (n < 0) {
        throw new IOException("the file changed while it was copied");
      }
      out.write(buf.array(), 0, n);
      at += n;
      left -= n;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
