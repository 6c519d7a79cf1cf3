/**
 * The force's device register: for each device key id, the camera (serial, model), the signature
 * suite, when the key became valid, to whom the camera was issued and from when, and when the key
 * was revoked and why.
 *
 * <p>A register is a sequence of versions, each a signed JSON document that names the SHA-256 of
 * the version before it and holds the changes it makes (a device added, assigned or revoked). So a
 * register can only grow, and rewriting or removing an earlier version is detected: its signature
 * or the next version's hash no longer holds. {@code docs/REGISTER.md} specifies it normatively.
 * {@link DeviceRegister#check} judges a signature by the register: whether the key was issued,
 * and trusted at the time the device claims and at the time the footage reached the force.
 */
package io.custody.register;
