/**
 * What the tests of several modules share: the bundled clips and their ffprobe facts ({@link
 * io.custody.testing.Clips}), running ffmpeg and ffprobe as oracles ({@link
 * io.custody.testing.Ffmpeg}), the fuzz targets' invariants ({@link
 * io.custody.testing.FuzzInvariants}), the test-vector keys ({@link
 * io.custody.testing.TestVectorKeys}) and hostile default locales ({@link
 * io.custody.testing.Locales}).
 *
 * <p>Test scope only, never published; no production module may depend on it.
 */
package io.custody.testing;
