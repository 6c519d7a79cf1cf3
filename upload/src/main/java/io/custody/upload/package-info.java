/**
 * The dock's {@link io.custody.upload.Uploader}: moves sealed segments from one {@link
 * io.custody.storage.BlobStore} to another (the camera's flash or the dock's spool to the force's
 * store), resumable, verified and never twice.
 *
 * <p>Rules: an object is created in the destination only if absent (two docks uploading the same
 * recording store each segment once); it counts as uploaded only when the destination's SHA-256
 * matches the source's; a source object is deleted only after that, and only when asked; transient
 * failures are retried under one {@link io.custody.storage.RetryPolicy}, and what still fails is
 * named in the {@link io.custody.upload.UploadReport}, never dropped. The module depends on the
 * storage API alone: it neither opens nor verifies the sealed container.
 */
package io.custody.upload;
