/**
 * The {@code file:} store: a directory on the camera's flash or the dock's spool.
 *
 * <p>Rules: an object is written to a temporary file, forced to disk and published by a hard link
 * (create-if-absent, atomic); its SHA-256 is kept in an extended attribute; a full disk is a
 * {@link io.custody.storage.StorageFullException} and leaves nothing that looks complete.
 */
package io.custody.storage.fs;
