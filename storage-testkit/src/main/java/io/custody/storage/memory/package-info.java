/**
 * The in-memory {@code mem:} store, for tests and examples: {@link
 * io.custody.storage.memory.MemoryStorageProvider} and {@link
 * io.custody.storage.memory.MemoryBlobStore}. It passes the conformance kit like every plugin, and
 * is the minimal example plugin of docs/PLUGINS.md.
 *
 * <p>Rules: it is registered (META-INF/services) only in this test kit's jar, never in a
 * production jar, so a camera or dock cannot be configured to keep evidence in memory.
 */
package io.custody.storage.memory;
