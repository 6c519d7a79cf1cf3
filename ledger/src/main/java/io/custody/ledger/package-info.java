/**
 * The chain-of-custody ledger: every ingest, verification, access, export, disclosure, retention
 * change and deletion of a piece of evidence, as an entry in a signed, append-only Merkle log.
 *
 * <p>The log is an RFC 6962 / RFC 9162 Merkle tree laid out as C2SP {@code tlog-tiles} (hash
 * tiles and entry bundles are immutable objects) and signed with C2SP {@code tlog-checkpoint}
 * checkpoints (signed notes, Ed25519 by the force's ledger key). It is kept in any {@link
 * io.custody.storage.BlobStore}, next to the evidence. Several processes or machines may append
 * to one log at once: the store's conditional create sequences the tree updates. {@code
 * docs/LEDGER.md} specifies the entries and the objects normatively.
 */
package io.custody.ledger;
