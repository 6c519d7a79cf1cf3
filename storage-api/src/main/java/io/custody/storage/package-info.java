/**
 * Where sealed segments are kept: the {@link io.custody.storage.BlobStore} contract every storage
 * target keeps (atomic create-if-absent, SHA-256 confirmed, ranged reads, paged listing, retention
 * that refuses deletes), and {@link io.custody.storage.Storage#open} to reach one by URI.
 * Plugins implement {@link io.custody.storage.spi.StorageProvider}; the conformance kit in this
 * module's test jar checks them (docs/PLUGINS.md).
 */
package io.custody.storage;
