package io.custody.c2pa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The force's export CA and certificates, checked by OpenSSL (an implementation we did not write):
 * the chain verifies, the signing certificate has the key usage and extended key usage C2PA
 * validators ask for, and PEM and PKCS#12 files a force already has are read.
 */
class ExportCaTest {
  @TempDir Path dir;

  static String openssl(Path dir, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void anExportCertificateChainsToTheCaAndCarriesDocumentSigning() throws Exception {
    ExportCa ca = ExportCa.create("Example Police", Duration.ofDays(3650), Clock.systemUTC());
    ca.save(dir.resolve("ca"));
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca/ca.key"))))
        .isEqualTo("rw-------");
    assertThatThrownBy(() -> ca.save(dir.resolve("ca"))).hasMessageContaining("never overwritten");
    ExportCa loaded = ExportCa.load(dir.resolve("ca"));
    SigningCredentials c = loaded.issue("Evidence export service", Duration.ofDays(365), Clock.systemUTC());
    assertThat(c.algorithm()).isEqualTo(SigningCredentials.Algorithm.ES256);
    Files.writeString(dir.resolve("export.pem"), c.chainPem());
    Files.writeString(dir.resolve("export.key"), c.keyPem());
    assertThat(openssl(dir, "openssl", "verify", "-CAfile", "ca/ca.pem", "export.pem")).contains("export.pem: OK");
    String text = openssl(dir, "openssl", "x509", "-in", "export.pem", "-noout", "-text");
    assertThat(text).contains("Digital Signature").contains("1.3.6.1.5.5.7.3.36").contains("CA:FALSE")
        .contains("O = Example Police").contains("CN = Evidence export service");
    // the key OpenSSL reads signs what the certificate verifies
    Files.writeString(dir.resolve("m.txt"), "manifest");
    openssl(dir, "openssl", "dgst", "-sha256", "-sign", "export.key", "-out", "m.sig", "m.txt");
    openssl(dir, "openssl", "x509", "-in", "export.pem", "-pubkey", "-noout", "-out", "export.pub");
    assertThat(openssl(dir, "openssl", "dgst", "-sha256", "-verify", "export.pub", "-signature", "m.sig", "m.txt"))
        .contains("Verified OK");
    assertThat(SigningCredentials.fromPemFiles(dir.resolve("export.pem"), dir.resolve("export.key")).certificate())
        .isEqualTo(c.certificate());
  }

  @Test
  void credentialsAForceAlreadyHasAreRead() throws Exception {
    // made by OpenSSL: a root, and a signing certificate in PEM and PKCS#12
    openssl(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "root.key", "-out", "root.pem", "-days", "30", "-subj", "/O=Force/CN=Root");
    openssl(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
        "leaf.key", "-out", "leaf.csr", "-subj", "/O=Force/CN=Export");
    Files.writeString(dir.resolve("ext.cnf"), "keyUsage=critical,digitalSignature\nextendedKeyUsage=1.3.6.1.5.5.7.3.36\n");
    openssl(dir, "openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key",
        "-CAcreateserial", "-out", "leaf.pem", "-days", "30", "-extfile", "ext.cnf");
    openssl(dir, "openssl", "pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-certfile", "root.pem",
        "-passout", "pass:secret", "-out", "leaf.p12");
    SigningCredentials pem = SigningCredentials.fromPemFiles(dir.resolve("leaf.pem"), dir.resolve("leaf.key"));
    SigningCredentials p12 = SigningCredentials.fromPkcs12(dir.resolve("leaf.p12"), "secret".toCharArray());
    assertThat(p12.chain()).as("the root is left out: validators hold it").hasSize(1);
    assertThat(p12.certificate()).isEqualTo(pem.certificate());
    assertThat(p12.algorithm()).isEqualTo(SigningCredentials.Algorithm.ES256);
    assertThatThrownBy(() -> SigningCredentials.fromPkcs12(dir.resolve("leaf.p12"), "wrong".toCharArray()))
        .isInstanceOfAny(java.io.IOException.class, GeneralSecurityException.class);
    // a key that is not the certificate's
    assertThatThrownBy(() -> SigningCredentials.fromPemFiles(dir.resolve("leaf.pem"), dir.resolve("root.key")))
        .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("not the signing certificate's");
    assertThat(List.of(pem.chainPem())).allMatch(s -> s.startsWith("-----BEGIN CERTIFICATE-----"));
  }
}
