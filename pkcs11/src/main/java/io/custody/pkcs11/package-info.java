/**
 * Keys that never leave hardware: device signing keys and recipient keys generated and used
 * inside a PKCS#11 token (an HSM, a smart card, a TPM's PKCS#11 front, SoftHSM in the tests).
 *
 * <p>{@link io.custody.pkcs11.Pkcs11Token} logs in to a token and hands out {@link
 * io.custody.crypto.Signer}s and {@link io.custody.crypto.RecipientKeyAgreement}s whose private
 * keys stay in it; {@link io.custody.pkcs11.Pkcs11Uri} names a key as RFC 7512 does ({@code
 * pkcs11:token=T;object=O}). Sealing, checkpoints, manifests and recovery take such a signer like
 * any other, and the signatures it makes are verified in software like any other.
 *
 * <p>Rules: keys are generated in the token, sensitive and not extractable, and a key that could
 * leave its token is refused; the PIN is handed in by the caller (never read from a URI), used to
 * log in and not kept; no message holds a PIN or key material.
 */
package io.custody.pkcs11;
