/**
 * Where sealed segments are kept: the {@link io.custody.storage.BlobStore} contract every storage
 * target keeps (atomic create-if-absent, SHA-256 confirmed, ranged reads, paged listing, retention
 * that refuses deletes), and {@link io.custody.storage.Storage#open} to reach one by URI.
 * Plugins implement {@link io.custody.storage.spi.StorageProvider}; the conformance kit in {@code
 * custody-storage-testkit} checks them (docs/PLUGINS.md).
 *
 * <p>Rules: SHA-256s are {@link io.custody.storage.Sha256} values, compared as bytes, never hex
 * strings; where one is written to an outside format (object metadata, file attributes, JSON) it
 * is its lower-case {@link io.custody.storage.Sha256#hex()}. Whoever retries a store's transient
 * failures does so under a {@link io.custody.storage.RetryPolicy}. Nothing here depends on the
 * default locale, charset or time zone. No store is registered by this module: {@code mem:} is
 * the test kit's.
 */
package io.custody.storage;
