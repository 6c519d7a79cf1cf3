/**
 * The sealed evidence container of {@code docs/FORMAT.md}: sealing a segment as it is recorded,
 * and verifying, decrypting, exporting and recovering it afterwards.
 *
 * <h2>What it holds</h2>
 *
 * <ul>
 *   <li>Writing (on the camera): {@link io.custody.seal.SealedSegmentOutput} is the {@link
 *       io.custody.mp4.SegmentOutput} the recorder writes evidence through, one file per segment,
 *       chained to the recording's previous segment; {@link io.custody.seal.SealedSegmentWriter}
 *       seals one segment onto any channel.
 *   <li>Checking (anyone with the device's public key): {@link io.custody.seal.Verifier} gives a
 *       {@link io.custody.seal.VerificationReport} per segment, whose {@link
 *       io.custody.seal.VerificationReport.Status status} is {@code COMPLETE}, {@code UNFINISHED}
 *       (cut short before its manifest, not yet recovered) or {@code FAILED}, and a {@link
 *       io.custody.seal.RecordingReport} per recording; {@link io.custody.seal.SegmentLayout} reads
 *       the structure with no key at all.
 *   <li>Reading (a recipient): {@link io.custody.seal.SegmentReader} decrypts, {@link
 *       io.custody.seal.Exporter} writes a playable MP4 and its chain-of-custody JSON.
 *   <li>Disclosing (a recipient of the force's evidence): {@link io.custody.seal.ExcerptWriter}
 *       writes a disclosure package (FORMAT.md §12) of the fragments that cover a span ({@link
 *       io.custody.seal.ExcerptBound}), with the keys of only the segments it touches, for one
 *       recipient; {@link io.custody.seal.PackageVerifier} checks it with the device's public key
 *       ({@link io.custody.seal.PackageReport}) and decrypts it for its recipient.
 *   <li>Repairing (the device, after a power cut): {@link io.custody.seal.Recovery}.
 * </ul>
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>The byte format is {@code docs/FORMAT.md}, version 1, and does not change without a new
 *       version: the test vectors in {@code docs/test-vectors} must still match byte for byte.
 *       Each layout is written down once, package-private: the constants in {@code SealFormat}
 *       (and a package's in {@code PackageFormat}),
 *       the FRAGMENT_INFO body in {@code FragmentInfoRecord}, the signed messages and the
 *       manifest's members in {@code Manifests}.
 *   <li>Nothing unsealed is ever written: a writer's only output is the signed header, records and
 *       footer. Content keys live in memory only and are wrapped for each recipient; the device
 *       can seal and sign but not decrypt.
 *   <li>Nothing is trusted before it is verified: decrypting goes through verification unless the
 *       caller asks otherwise by name, and a segment that is not {@code COMPLETE} is neither
 *       exported nor counted as whole.
 *   <li>Nothing written or signed depends on the default locale, time zone or charset.
 *   <li>Settings are checked when given ({@link io.custody.mp4.InvalidSettingException} names
 *       the setting), not when the first segment opens. An output keeps state only for the
 *       recordings it is writing.
 *   <li>Writers are not thread-safe (one per segment, on the recorder's thread); verifiers and
 *       readers of different segments may run in parallel.
 * </ul>
 */
package io.custody.seal;
