/**
 * C2PA Content Credentials for Custody's exports (docs/C2PA.md): the signing identity is the
 * force's export certificate ({@link io.custody.c2pa.SigningCredentials}), issued by the force's
 * own CA ({@link io.custody.c2pa.ExportCa}) when it has none, never the camera's key.
 *
 * <p>Rules: nothing here depends on the default locale, time zone or charset; private keys are
 * written with owner-only permissions and never overwritten.
 */
package io.custody.c2pa;
