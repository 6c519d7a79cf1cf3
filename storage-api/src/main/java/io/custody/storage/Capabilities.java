package io.custody.storage;

/**
 * What a store can do beyond the contract every store keeps (atomic commit, create-if-absent,
 * SHA-256 of every object, ranged reads, paged listing). Immutable.
 *
 * @param retention the store keeps retention periods and legal holds and refuses deletes under
 *     them
 * @param serverEnforcedRetention the store's server enforces retention itself (S3 Object Lock),
 *     rather than only the plugin
 * @param serverSideChecksums the server verifies checksums of what it receives (e.g. S3
 *     Content-MD5 per part)
 * @param multipart large objects are uploaded in parts that can be resumed
 */
public record Capabilities(boolean retention, boolean serverEnforcedRetention, boolean serverSideChecksums,
    boolean multipart) {}
