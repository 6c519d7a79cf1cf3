package io.custody.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Production's Ed25519 and the two test-only cross-checks ({@link Ed25519Implementation}) against
 * RFC 8032, against each other, and against tampering.
 */
class Ed25519Test {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8032 §7.1 TEST 1-3: secret key (seed), public key, message, signature. */
  private static final String[][] RFC8032 = {
    {
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      "",
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    },
    {
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      "72",
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
    },
    {
      "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
      "af82",
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
    },
  };

  /** The order of the Ed25519 base point, L = 2^252 + 27742317777372353535851937790883648493. */
  private static final BigInteger ORDER =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  @ParameterizedTest
  @EnumSource(Ed25519Implementation.class)
  void rfc8032TestVectors(Ed25519Implementation impl) {
    for (String[] v : RFC8032) {
      DeviceSigningKey key = DeviceSigningKey.fromSeed(HEX.parseHex(v[0]));
      assertThat(key.publicKey().raw()).isEqualTo(HEX.parseHex(v[1]));
      byte[] message = HEX.parseHex(v[2]);
      Signer signer = impl.signer(key);
      assertThat(signer.publicKey()).isEqualTo(key.publicKey());
      byte[] signature = new byte[64];
      signer.sign(message, 0, message.length, signature, 0);
      assertThat(HEX.formatHex(signature)).as("TEST with message '%s'", v[2]).isEqualTo(v[3]);
      SignatureVerifier verifier = impl.verifier(DevicePublicKey.fromRaw(HEX.parseHex(v[1])));
      assertThat(verifier.verify(message, 0, message.length, HEX.parseHex(v[3]), 0)).isTrue();
    }
  }

  static Stream<Arguments> signerVerifierPairs() {
    List<Arguments> pairs = new ArrayList<>();
    for (Ed25519Implementation s : Ed25519Implementation.values()) {
      for (Ed25519Implementation v : Ed25519Implementation.values()) {
        pairs.add(Arguments.of(s, v));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} signs, {1} verifies")
  @MethodSource("signerVerifierPairs")
  void everySignatureVerifiesWithEveryVerifier(Ed25519Implementation signerImpl, Ed25519Implementation verifierImpl) {
    Random random = new Random(signerImpl.name().hashCode() * 31L + verifierImpl.name().hashCode());
    DeviceSigningKey key = DeviceSigningKey.generate();
    Signer signer = signerImpl.signer(key);
    SignatureVerifier verifier = verifierImpl.verifier(key.publicKey());
    for (int length : new int[] {0, 1, 64, 100, 1000, 65_537}) {
      // The message is a slice of a larger array and the signature lands mid-buffer.
      byte[] buffer = new byte[length + 20];
      random.nextBytes(buffer);
      byte[] out = new byte[64 + 11];
      signer.sign(buffer, 7, length, out, 5);
      assertThat(out[4]).isZero();
      assertThat(verifier.verify(buffer, 7, length, out, 5)).as("length %d", length).isTrue();
      // A message one byte shorter (same bytes otherwise) must not verify.
      if (length > 0) {
        assertThat(verifier.verify(buffer, 7, length - 1, out, 5)).isFalse();
      }
    }
  }

  @Test
  void allImplementationsWriteTheSameSignature() {
    DeviceSigningKey key = DeviceSigningKey.generate();
    byte[] message = new byte[100];
    new Random(1).nextBytes(message);
    byte[] reference = null;
    for (Ed25519Implementation impl : Ed25519Implementation.values()) {
      byte[] signature = new byte[64];
      impl.signer(key).sign(message, 0, message.length, signature, 0);
      if (reference == null) {
        reference = signature;
      }
      assertThat(signature).as(impl.name()).isEqualTo(reference);
    }
  }

  @ParameterizedTest
  @EnumSource(Ed25519Implementation.class)
  void tamperedMessageSignatureOrKeyFails(Ed25519Implementation impl) {
    DeviceSigningKey key = DeviceSigningKey.generate();
    byte[] message = "segment 42, fragment 7, chain head".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] signature = new byte[64];
    Ed25519.signer(key).sign(message, 0, message.length, signature, 0);
    SignatureVerifier verifier = impl.verifier(key.publicKey());
    assertThat(verifier.verify(message, 0, message.length, signature, 0)).isTrue();

    for (int i = 0; i < message.length; i++) {
      byte[] altered = message.clone();
      altered[i] ^= 0x01;
      assertThat(verifier.verify(altered, 0, altered.length, signature, 0)).as("message byte %d", i).isFalse();
    }
    for (int i = 0; i < 64; i++) {
      byte[] altered = signature.clone();
      altered[i] ^= (byte) 0x80;
      assertThat(verifier.verify(message, 0, message.length, altered, 0)).as("signature byte %d", i).isFalse();
    }
    SignatureVerifier other = impl.verifier(DeviceSigningKey.generate().publicKey());
    assertThat(other.verify(message, 0, message.length, signature, 0)).isFalse();
    assertThat(verifier.verify(message, 0, message.length, new byte[64], 0)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Ed25519Implementation.class)
  void malleatedSignatureWithSPlusOrderIsRefused(Ed25519Implementation impl) {
    // RFC 8032 §5.1.7 requires S < L; S + L is the classic malleability of Ed25519.
    DeviceSigningKey key = DeviceSigningKey.generate();
    byte[] message = {1, 2, 3};
    byte[] signature = new byte[64];
    Ed25519.signer(key).sign(message, 0, 3, signature, 0);
    byte[] sLittleEndian = Arrays.copyOfRange(signature, 32, 64);
    BigInteger s = new BigInteger(1, reverse(sLittleEndian));
    byte[] malleated = signature.clone();
    byte[] sPlusL = reverse(toFixed(s.add(ORDER), 32));
    System.arraycopy(sPlusL, 0, malleated, 32, 32);
    assertThat(impl.verifier(key.publicKey()).verify(message, 0, 3, malleated, 0)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Ed25519Implementation.class)
  void signersAreThreadSafe(Ed25519Implementation impl) throws Exception {
    DeviceSigningKey key = DeviceSigningKey.generate();
    Signer shared = impl.signer(key);
    SignatureVerifier verifier = impl.verifier(key.publicKey());
    Signer reference = Ed25519.signer(key);
    int threads = 4;
    int perThread = impl == Ed25519Implementation.JDK ? 25 : 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < perThread; i++) {
                    byte[] message = new byte[1 + random.nextInt(200)];
                    random.nextBytes(message);
                    byte[] got = new byte[64];
                    byte[] expected = new byte[64];
                    shared.sign(message, 0, message.length, got, 0);
                    reference.sign(message, 0, message.length, expected, 0);
                    if (!Arrays.equals(got, expected) || !verifier.verify(message, 0, message.length, got, 0)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Ed25519Implementation.class)
  void rangesOutsideTheArraysThrow(Ed25519Implementation impl) {
    DeviceSigningKey key = DeviceSigningKey.generate();
    Signer signer = impl.signer(key);
    SignatureVerifier verifier = impl.verifier(key.publicKey());
    byte[] message = new byte[10];
    assertThatThrownBy(() -> signer.sign(message, 5, 6, new byte[64], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> signer.sign(message, 0, 10, new byte[64], 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> verifier.verify(message, -1, 2, new byte[64], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> verifier.verify(message, 0, 10, new byte[63], 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void productionSignsAndVerifiesWithBouncyCastle() {
    // The implementation the measurements in Ed25519's class comment chose.
    DeviceSigningKey key = DeviceSigningKey.generate();
    assertThat(Ed25519.signer(key).getClass().getEnclosingClass()).isEqualTo(BouncyCastleEd25519.class);
    assertThat(Ed25519.verifier(key.publicKey()).getClass().getEnclosingClass())
        .isEqualTo(BouncyCastleEd25519.class);
  }

  private static byte[] reverse(byte[] bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[bytes.length - 1 - i];
    }
    return out;
  }

  private static byte[] toFixed(BigInteger value, int length) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    return out;
  }
}
