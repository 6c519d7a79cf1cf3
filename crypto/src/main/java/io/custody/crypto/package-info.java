/**
 * The cryptographic primitives of sealing, behind small typed APIs: device keys and their
 * signatures (Ed25519, or ECDSA P-256: the {@link io.custody.crypto.SignatureSuite}s), recipient
 * keys and HPKE key wrapping, HKDF.
 *
 * <p>Keys: a camera or dock signs with a {@link io.custody.crypto.DeviceSigningKey} (Ed25519 or
 * P-256), or with a key held in a hardware token (module {@code pkcs11}, behind the same {@link
 * io.custody.crypto.Signer}); verifiers hold its {@link io.custody.crypto.DevicePublicKey}. Each segment's content key is
 * wrapped by {@link io.custody.crypto.KeyWrap} (HPKE, RFC 9180) to every {@link
 * io.custody.crypto.RecipientPublicKey} (X25519) and opened with the matching {@link
 * io.custody.crypto.RecipientPrivateKey}, held here or in a token ({@link
 * io.custody.crypto.RecipientKeyAgreement}). All keys read and write the PEM (PKCS#8 and
 * SubjectPublicKeyInfo; RFC 8410, and RFC 5480/5915 for P-256) that OpenSSL and the JDK read and
 * write too; a public key's id is SHA-256 of its SubjectPublicKeyInfo DER.
 *
 * <p>Signing: {@link io.custody.crypto.Signatures} hands out thread-safe {@link
 * io.custody.crypto.Signer}s and {@link io.custody.crypto.SignatureVerifier}s for keys of either
 * suite, which sign into and verify from the caller's arrays ({@link io.custody.crypto.Ed25519}
 * for Ed25519 keys alone).
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>One library: every primitive runs on BouncyCastle ({@code bcprov}) through its public APIs
 *       (the low-level RFC 8032 and RFC 7748 code, {@code org.bouncycastle.crypto.hpke}), or on
 *       the JDK ({@code Mac}, {@code MessageDigest}). Ed25519 has one production implementation,
 *       chosen by measurement (the table in {@link io.custody.crypto.Ed25519}); the JDK's and
 *       Tink's stay in the tests as cross-checks, and Tink, protobuf and gson are not on the
 *       runtime class path.
 *   <li>The bytes are the sealed format's ({@code docs/FORMAT.md}): a change of library must not
 *       change them, which the RFC 8032 and RFC 9180 vectors, an independent RFC 9180
 *       implementation, the Tink cross-checks and {@code docs/test-vectors} check.
 *   <li>Secrets stay inside: raw key bytes cross the API only where stated (public keys' {@code
 *       raw()}, the seed and scalar factories for known-answer tests); {@code toString} shows key
 *       ids only; private keys compare in constant time.
 *   <li>Every public type is immutable or stateless and thread-safe.
 *   <li>Per-segment work stays lean: a key wrap allocates ~26 KB and a test fails above 64 KiB.
 * </ul>
 *
 * <p>Errors: malformed keys throw {@link io.custody.crypto.KeyFormatException} (unchecked, with a
 * reason); a wrapped key that does not open throws the checked {@link
 * io.custody.crypto.KeyUnwrapException}; a signature that does not verify is {@code false}.
 */
package io.custody.crypto;
