/**
 * Where sealed segments are kept: the {@link io.custody.storage.BlobStore} contract every storage
 * target keeps (atomic create-if-absent, SHA-256 confirmed, ranged reads, paged listing, retention
 * that refuses deletes), and {@link io.custody.storage.Storage#open} to reach one by URI.
 * Plugins implement {@link io.custody.storage.spi.StorageProvider}; the conformance kit in {@code
 * custody-storage-testkit} checks them (docs/PLUGINS.md).
 *
 * <p>Rules: no store is registered by this module ({@code mem:} is the test kit's), so a
 * production class path holds only the stores it chose.
 */
package io.custody.storage;
