/**
 * For plugin authors: {@link io.custody.storage.spi.StorageProvider} (one per URI scheme, found
 * with {@link java.util.ServiceLoader}), {@link io.custody.storage.spi.AbstractBlobWriter} (the
 * hashing, size and publish-once bookkeeping every writer needs), {@link
 * io.custody.storage.spi.RetentionRules} (how retention and legal hold refuse a delete) and {@link
 * io.custody.storage.spi.VerifyingInputStream} (a read checked against the object's SHA-256).
 *
 * <p>Rules: a provider registers itself in its own jar's {@code META-INF/services}; a store it
 * opens must pass the conformance kit of {@code custody-storage-testkit} (docs/PLUGINS.md).
 */
package io.custody.storage.spi;
