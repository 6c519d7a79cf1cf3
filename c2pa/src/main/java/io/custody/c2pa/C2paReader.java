package io.custody.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.time.Instant;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

/**
 * Custody's own reader of the C2PA manifest store in an ISO BMFF file: what the active manifest says
 * (its assertions as JSON trees, its signer) and whether it holds: the claim signature over the
 * certificate in {@code x5chain}, every assertion's hashed URI, and the {@code c2pa.hash.bmff.v3}
 * hard binding recomputed over the file (flat, or the Merkle form over fragments as {@link
 * C2paSigner} writes it: init hash, and each fragment's leaf through its proof); with trust anchors,
 * whether the signer chains to one. It reads the subset of C2PA that {@link C2paSigner} writes (a
 * single manifest, claim v2); anything else is reported as not checked. Thread-safe (no state).
 */
public final class C2paReader {
  private C2paReader() {}

  /**
   * What a file's manifest says and whether it holds.
   *
   * @param label the active manifest's label
   * @param signer the signing certificate
   * @param assertions each assertion's content as JSON text (byte strings as hex), by label
   * @param failures the checks that failed, as C2PA's status codes name them (empty: it holds)
   * @param trusted whether the signer chains to one of the anchors given (false without anchors), at
   *     the time-stamp's time when a trusted time-stamp holds, else now
   * @param timestamp the RFC 3161 time-stamp on the claim signature ({@code sigTst2}), when there is
   *     one that holds
   */
  public record Report(String label, X509Certificate signer, Map<String, String> assertions, List<String> failures,
      boolean trusted, Optional<TimeStamp> timestamp) {
    public Report {
      assertions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(assertions));
      failures = List.copyOf(failures);
      Objects.requireNonNull(timestamp);
    }

    /** Whether the manifest is intact: signature, hashed URIs and hard binding all hold. */
    public boolean valid() {
      return failures.isEmpty();
    }
  }

  /**
   * A time-stamp token on the claim signature whose imprint and signature hold.
   *
   * @param time the authority's time ({@code genTime})
   * @param authority the authority's certificate, as the token carries it
   * @param trusted whether the authority chains to one of the anchors given, at {@code time}
   */
  public record TimeStamp(Instant time, X509Certificate authority, boolean trusted) {}

  /**
   * Reads and checks the manifest of {@code file}.
   *
   * @return empty when the file holds no C2PA manifest
   * @throws IOException if the file cannot be read, or its manifest store is malformed
   */
  public static Optional<Report> read(Path file, List<X509Certificate> anchors) throws IOException {
    List<C2paSigner.Box> boxes = C2paSigner.boxes(file);
    C2paSigner.Box store = null;
    for (C2paSigner.Box b : boxes) {
      if (b.c2pa() && !merkleBox(file, b)) {
        if (store != null) {
          throw new IOException("more than one C2PA manifest box");
        }
        store = b;
      }
    }
    if (store == null) {
      return Optional.empty();
    }
    if (store.size() > 64 << 20) {
      throw new IOException("a C2PA box of " + store.size() + " bytes");
    }
    byte[] box = new byte[(int) store.size()];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.wrap(box);
      while (b.hasRemaining() && ch.read(b, store.offset() + b.position()) > 0) {
        // reading
      }
      if (b.hasRemaining()) {
        throw new IOException("the C2PA box is cut short");
      }
      String purpose = new String(box, 28, 9, StandardCharsets.US_ASCII);
      if (!purpose.equals("manifest\0")) {
        throw new IOException("a C2PA box of purpose " + purpose.trim() + ", not manifest");
      }
      Node root = Node.parse(box, 45, box.length);
      Node manifest = root.only("c2ma");
      Node assertionStore = manifest.child("c2pa.assertions");
      byte[] claim = manifest.child("c2pa.claim.v2").cbor();
      byte[] cose = manifest.child("c2pa.signature").cbor();
      List<String> failures = new ArrayList<>();
      JsonNode claimTree = Cbor.parse(claim);
      // assertions and their hashed URIs
      Map<String, JsonNode> assertions = new LinkedHashMap<>();
      Map<String, String> texts = new LinkedHashMap<>();
      MessageDigest sha = C2paSigner.sha256();
      for (JsonNode uri : claimTree.path("created_assertions")) {
        String url = uri.path("url").asText();
        String label = url.substring(url.lastIndexOf('/') + 1);
        Node a = assertionStore.child(label);
        sha.update(box, a.start + 8, a.end - a.start - 8);
        if (!Arrays.equals(sha.digest(), uri.path("hash").binaryValue())) {
          failures.add("assertion.hashedURI.mismatch");
        }
        JsonNode content = Cbor.parse(a.cbor());
        assertions.put(label, content);
        texts.put(label, hexBinary(content).toString());
      }
      // the claim signature
      JsonNode sign1 = Cbor.parse(cose);
      byte[] protectedHeader = sign1.get(0).binaryValue();
      JsonNode header = Cbor.parse(protectedHeader);
      List<X509Certificate> chain = new ArrayList<>();
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      JsonNode x5 = header.get("33");
      for (JsonNode c : x5.isArray() ? x5 : Cbor.parse(Cbor.encode(List.of(x5.binaryValue())))) {
        chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.binaryValue())));
      }
      int alg = header.get("1").asInt();
      byte[] signature = sign1.get(3).binaryValue();
      byte[] toBeSigned = Cbor.encode(Arrays.asList("Signature1", protectedHeader, new byte[0], claim));
      Signature v = Signature.getInstance(alg == -7 ? "SHA256withECDSA" : "Ed25519", SigningCredentials.BC);
      v.initVerify(chain.get(0).getPublicKey());
      v.update(toBeSigned);
      if (!v.verify(alg == -7 ? Cose.rawToDer(signature) : signature)) {
        failures.add("claimSignature.mismatch");
      }
      Optional<TimeStamp> timestamp = Optional.empty();
      JsonNode tokens = sign1.get(1).path("sigTst2").path("tstTokens");
      if (tokens.size() > 0) {
        timestamp = timestamp(tokens.get(0).path("val").binaryValue(),
            C2paSigner.countersigned(protectedHeader, signature), anchors, failures);
      }
      Instant at = timestamp.filter(TimeStamp::trusted).map(TimeStamp::time).orElseGet(Instant::now);
      try {
        chain.get(0).checkValidity(java.util.Date.from(at));
      } catch (java.security.cert.CertificateExpiredException | java.security.cert.CertificateNotYetValidException e) {
        failures.add("signingCredential.expired");
      }
      // the hard binding
      JsonNode hash = assertions.get(C2paSigner.HASH_LABEL);
      if (hash == null) {
        failures.add("claim.hardBindings.missing");
      } else if (hash.has("merkle")) {
        String failure = merkle(ch, boxes, hash);
        if (failure != null) {
          failures.add(failure);
        }
      } else {
        MessageDigest bmff = C2paSigner.sha256();
        ByteBuffer offset = ByteBuffer.allocate(8);
        for (C2paSigner.Box x : boxes) {
          if (C2paSigner.excluded(x)) {
            continue;
          }
          offset.clear();
          offset.putLong(x.offset()).flip();
          bmff.update(offset);
          C2paSigner.digest(ch, x.offset(), x.size(), bmff);
        }
        if (!Arrays.equals(bmff.digest(), hash.path("hash").binaryValue())) {
          failures.add("assertion.bmffHash.mismatch");
        }
      }
      return Optional.of(new Report(manifest.label, chain.get(0), texts, failures, trusted(chain, anchors, at),
          timestamp));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException("the C2PA manifest store is malformed: " + e.getMessage(), e);
    }
  }

  /** Whether the C2PA box {@code b} is of purpose {@code merkle} (a fragment's Merkle box). */
  private static boolean merkleBox(Path file, C2paSigner.Box b) throws IOException {
    byte[] purpose = "merkle\0".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer p = ByteBuffer.allocate(purpose.length);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (p.hasRemaining() && ch.read(p, b.offset() + 8 + 16 + 4 + p.position()) > 0) {
        // reading
      }
    }
    return !p.hasRemaining() && Arrays.equals(p.array(), purpose);
  }

  /**
   * Checks the Merkle form of the BMFF hash over the whole file as {@link C2paSigner} writes it
   * (see {@link BmffMerkle}): the init segment's hash (every box before the first {@code moof}, less
   * the exclusions, with its offset), and for each {@code moof}+{@code mdat} pair, preceded by its
   * Merkle box, its leaf (offsets within the fragment) through the box's proof to the map's row.
   * Fragments must be in tree order (each box's location its index), so that reordering shows.
   *
   * @return null if it holds, else the failure's status code
   */
  private static String merkle(FileChannel ch, List<C2paSigner.Box> boxes, JsonNode hash) throws IOException {
    JsonNode maps = hash.get("merkle");
    if (maps.size() != 1 || !maps.get(0).path("alg").asText("sha256").equals("sha256")
        || !hash.path("alg").asText("sha256").equals("sha256") || hash.has("hash")) {
      return "assertion.bmffHash.malformed";
    }
    JsonNode map = maps.get(0);
    List<byte[]> row = new ArrayList<>();
    for (JsonNode h : map.path("hashes")) {
      row.add(h.binaryValue());
    }
    int count = map.path("count").asInt(-1);
    MessageDigest init = C2paSigner.sha256();
    ByteBuffer offset = ByteBuffer.allocate(8);
    int i = 0;
    for (; i < boxes.size() && !boxes.get(i).type().equals("moof"); i++) {
      C2paSigner.Box x = boxes.get(i);
      if (!C2paSigner.excluded(x)) {
        offset.clear();
        offset.putLong(x.offset()).flip();
        init.update(offset);
        C2paSigner.digest(ch, x.offset(), x.size(), init);
      }
    }
    if (!Arrays.equals(init.digest(), map.path("initHash").binaryValue())) {
      return "assertion.bmffHash.mismatch";
    }
    int fragments = 0;
    for (; i < boxes.size(); i++) {
      C2paSigner.Box moof = boxes.get(i);
      if (C2paSigner.excluded(moof)) {
        continue; // a Merkle box (checked with its moof), an mfra, free or skip
      }
      C2paSigner.Box box = boxes.get(i - 1);
      if (!moof.type().equals("moof") || !box.c2pa() || i + 1 == boxes.size()
          || !boxes.get(i + 1).type().equals("mdat") || box.size() > 1 << 20) {
        return "assertion.bmffHash.mismatch"; // media the tree does not cover
      }
      C2paSigner.Box mdat = boxes.get(++i);
      ByteBuffer b = ByteBuffer.allocate((int) box.size());
      while (b.hasRemaining() && ch.read(b, box.offset() + b.position()) > 0) {
        // reading
      }
      byte[] cbor = BmffMerkle.boxMap(b.array());
      if (cbor == null) {
        return "assertion.bmffHash.mismatch";
      }
      JsonNode proofMap = Cbor.parse(cbor);
      List<byte[]> proof = new ArrayList<>();
      for (JsonNode h : proofMap.path("hashes")) {
        proof.add(h.binaryValue());
      }
      MessageDigest leaf = C2paSigner.sha256();
      long at = box.size();
      for (C2paSigner.Box x : List.of(moof, mdat)) {
        offset.clear();
        offset.putLong(at).flip();
        leaf.update(offset);
        C2paSigner.digest(ch, x.offset(), x.size(), leaf);
        at += x.size();
      }
      if (proofMap.path("uniqueId").asInt(-1) != map.path("uniqueId").asInt(-2)
          || proofMap.path("localId").asInt(-1) != map.path("localId").asInt(-2)
          || proofMap.path("location").asInt(-1) != fragments
          || !BmffMerkle.check(leaf.digest(), fragments, count, proof, row)) {
        return "assertion.bmffHash.mismatch";
      }
      fragments++;
    }
    return fragments == count ? null : "assertion.bmffHash.mismatch";
  }

  /**
   * The time-stamp token {@code token} on {@code data}: empty, with {@code timeStamp.mismatch} or
   * {@code timeStamp.malformed} added to {@code failures}, unless its imprint is the SHA-256 of {@code
   * data} and its signature holds under the certificate it carries (valid at its time).
   */
  private static Optional<TimeStamp> timestamp(byte[] token, byte[] data, List<X509Certificate> anchors,
      List<String> failures) {
    try {
      TimeStampToken t = new TimeStampToken(new CMSSignedData(token));
      TimeStampTokenInfo info = t.getTimeStampInfo();
      if (!info.getMessageImprintAlgOID().equals(NISTObjectIdentifiers.id_sha256)
          || !Arrays.equals(info.getMessageImprintDigest(), C2paSigner.sha256().digest(data))) {
        failures.add("timeStamp.mismatch");
        return Optional.empty();
      }
      @SuppressWarnings("unchecked")
      java.util.Collection<X509CertificateHolder> signers = t.getCertificates().getMatches(t.getSID());
      if (signers.isEmpty()) {
        failures.add("timeStamp.malformed");
        return Optional.empty();
      }
      X509CertificateHolder holder = signers.iterator().next();
      t.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider(SigningCredentials.BC).build(holder));
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter().setProvider(SigningCredentials.BC);
      List<X509Certificate> chain = new ArrayList<>();
      chain.add(converter.getCertificate(holder));
      @SuppressWarnings("unchecked")
      java.util.Collection<X509CertificateHolder> carried = t.getCertificates().getMatches(null);
      for (X509CertificateHolder c : carried) {
        if (!c.equals(holder) && !c.getSubject().equals(c.getIssuer())) {
          chain.add(converter.getCertificate(c));
        }
      }
      Instant time = info.getGenTime().toInstant();
      return Optional.of(new TimeStamp(time, chain.get(0), trusted(chain, anchors, time)));
    } catch (TSPException | CMSException | IOException | GeneralSecurityException | OperatorCreationException
        | RuntimeException e) {
      failures.add(e instanceof TSPException ? "timeStamp.mismatch"
          : "timeStamp.malformed");
      return Optional.empty();
    }
  }

  /**
   * The SHA-256 of {@code file} without its C2PA manifest box: the bytes the manifest was added to
   * (C2paSigner changes nothing else), which is what a ledger entry written before signing names.
   *
   * @throws IOException if the file cannot be read or is not ISO BMFF
   */
  public static byte[] sha256WithoutManifest(Path file) throws IOException {
    MessageDigest sha = C2paSigner.sha256();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (C2paSigner.Box b : C2paSigner.boxes(file)) {
        if (!b.c2pa()) {
          C2paSigner.digest(ch, b.offset(), b.size(), sha);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return sha.digest();
  }

  private static boolean trusted(List<X509Certificate> chain, List<X509Certificate> anchors, Instant at) {
    if (anchors.isEmpty()) {
      return false;
    }
    try {
      Set<TrustAnchor> ta = new java.util.HashSet<>();
      anchors.forEach(a -> ta.add(new TrustAnchor(a, null)));
      PKIXParameters p = new PKIXParameters(ta);
      p.setRevocationEnabled(false);
      p.setDate(java.util.Date.from(at));
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), p);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A JUMBF superbox: its label, its content type and its children (or its content box). */
  private static final class Node {
    final int start;
    final int end;
    final String type;
    final String label;
    final List<Node> children = new ArrayList<>();
    final byte[] all;
    int contentStart = -1;
    int contentEnd = -1;

    private Node(byte[] all, int start, int end, String type, String label) {
      this.all = all;
      this.start = start;
      this.end = end;
      this.type = type;
      this.label = label;
    }

    static Node parse(byte[] b, int start, int end) throws IOException {
      int size = size(b, start, end);
      if (!box(b, start).equals("jumb")) {
        throw new IOException("not a JUMBF superbox at " + start);
      }
      int at = start + 8;
      int dSize = size(b, at, start + size);
      if (!box(b, at).equals("jumd")) {
        throw new IOException("a superbox without its description at " + at);
      }
      String type = new String(b, at + 8, 4, StandardCharsets.US_ASCII);
      int toggles = b[at + 24] & 0xff;
      int l = at + 25;
      int z = l;
      while ((toggles & 0x02) != 0 && z < at + dSize && b[z] != 0) {
        z++;
      }
      String label = (toggles & 0x02) != 0 ? new String(b, l, z - l, StandardCharsets.UTF_8) : "";
      Node n = new Node(b, start, start + size, type, label);
      for (int c = at + dSize; c < start + size; ) {
        int cSize = size(b, c, start + size);
        if (box(b, c).equals("jumb")) {
          n.children.add(parse(b, c, c + cSize));
        } else if (box(b, c).equals("cbor")) {
          n.contentStart = c + 8;
          n.contentEnd = c + cSize;
        }
        c += cSize;
      }
      return n;
    }

    private static int size(byte[] b, int at, int end) throws IOException {
      if (at + 8 > end) {
        throw new IOException("a box header past its parent at " + at);
      }
      int n = ByteBuffer.wrap(b, at, 4).getInt();
      if (n < 8 || at + (long) n > end) {
        throw new IOException("a box of " + n + " bytes at " + at);
      }
      return n;
    }

    private static String box(byte[] b, int at) {
      return new String(b, at + 4, 4, StandardCharsets.US_ASCII);
    }

    Node only(String childType) throws IOException {
      if (children.size() != 1 || !children.get(0).type.equals(childType)) {
        throw new IOException("expected one " + childType + " in " + label);
      }
      return children.get(0);
    }

    Node child(String childLabel) throws IOException {
      for (Node c : children) {
        if (c.label.equals(childLabel)) {
          return c;
        }
      }
      throw new IOException("no " + childLabel + " in " + label);
    }

    byte[] cbor() throws IOException {
      if (contentStart < 0) {
        throw new IOException(label + " holds no CBOR");
      }
      return Arrays.copyOfRange(all, contentStart, contentEnd);
    }
  }

  /** The report as one JSON object (for {@code custody inspect --c2pa --json}). */
  public static String toJson(Report r) {
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    o.put("label", r.label());
    o.put("valid", r.valid());
    o.put("trusted", r.trusted());
    r.timestamp().ifPresent(t -> {
      ObjectNode ts = o.putObject("timestamp");
      ts.put("time", t.time().toString());
      ts.put("authority", t.authority().getSubjectX500Principal().getName());
      ts.put("trusted", t.trusted());
    });
    r.failures().forEach(o.putArray("failures")::add);
    o.put("signer", r.signer().getSubjectX500Principal().getName());
    o.put("signer_issuer", r.signer().getIssuerX500Principal().getName());
    ObjectNode a = o.putObject("assertions");
    try {
      for (Map.Entry<String, String> e : r.assertions().entrySet()) {
        a.set(e.getKey(), mapper.readTree(e.getValue()));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return o.toString();
  }

  /** The tree with byte strings as hex text (JSON has no bytes). */
  private static JsonNode hexBinary(JsonNode n) {
    if (n.isBinary()) {
      try {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(HexFormat.of().formatHex(n.binaryValue()));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    if (n.isObject()) {
      ObjectNode o = ((ObjectNode) n).deepCopy();
      o.fieldNames().forEachRemaining(f -> o.set(f, hexBinary(n.get(f))));
      return o;
    }
    if (n.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode a = ((com.fasterxml.jackson.databind.node.ArrayNode) n).deepCopy();
      for (int i = 0; i < a.size(); i++) {
        a.set(i, hexBinary(n.get(i)));
      }
      return a;
    }
    return n;
  }
}
