/**
 * The {@code s3:} store: AWS S3 and S3-compatible servers (the tests run a real Ceph gateway),
 * through the AWS SDK for Java v2.
 *
 * <p>Rules: multipart uploads resume; every request body is checked by the server (its signed
 * SHA-256, or Content-MD5) and the object's SHA-256 is kept in its metadata; Object Lock retention and legal hold are set and read back; creating an
 * object that exists is refused by one of two strategies, chosen when the bucket is opened
 * ({@code UnversionedBucket}: a claim, one conditional PUT naming the bytes, before the commit;
 * {@code VersionedBucket}: the oldest version of a key is its object), because the gateway ignores
 * {@code If-None-Match} on some writes (docs/PLUGINS-S3.md).
 */
package io.custody.storage.s3;
