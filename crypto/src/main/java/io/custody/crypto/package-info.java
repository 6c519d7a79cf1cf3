/**
 * The cryptographic primitives of sealing, behind small typed APIs: device keys and Ed25519
 * signatures, recipient keys and HPKE key wrapping, HKDF.
 *
 * <p>Keys: a camera or dock signs with a {@link io.custody.crypto.DeviceSigningKey} (Ed25519);
 * verifiers hold its {@link io.custody.crypto.DevicePublicKey}. Each segment's content key is
 * wrapped by {@link io.custody.crypto.KeyWrap} (HPKE, RFC 9180) to every {@link
 * io.custody.crypto.RecipientPublicKey} (X25519) and opened with the matching {@link
 * io.custody.crypto.RecipientPrivateKey}. All keys read and write RFC 8410 PEM (PKCS#8 and
 * SubjectPublicKeyInfo) that OpenSSL and the JDK read and write too; a public key's id is SHA-256
 * of its SubjectPublicKeyInfo DER. Raw key bytes cross the API only where stated (public keys'
 * {@code raw()}, test constructors).
 *
 * <p>Signing: {@link io.custody.crypto.Ed25519} hands out {@link
 * io.custody.crypto.Signer}s and {@link io.custody.crypto.SignatureVerifier}s on one of
 * three libraries, BouncyCastle by default (measured fastest); all are thread-safe and sign into
 * the caller's array.
 *
 * <p>Errors: malformed keys throw {@link io.custody.crypto.KeyFormatException} (unchecked,
 * with a reason); a wrapped key that does not open throws the checked {@link
 * io.custody.crypto.KeyUnwrapException}; a signature that does not verify is {@code false}.
 */
package io.custody.crypto;
