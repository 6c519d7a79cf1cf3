/**
 * The storage conformance kit, for test scope: {@link io.custody.storage.tck.BlobStoreContract},
 * which every {@link io.custody.storage.BlobStore} plugin's test class extends (docs/PLUGINS.md),
 * and {@link io.custody.storage.tck.SmallFileSystem}, a small tmpfs for full-disk tests.
 *
 * <p>Rules: the kit tests against a real target, never a mock; each test writes under its own
 * random prefix, so a store may be shared between tests; each test has a timeout.
 */
package io.custody.storage.tck;
