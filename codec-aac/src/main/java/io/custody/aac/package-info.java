/**
 * AAC audio as the write path takes it in: {@link io.custody.aac.AdtsReader} splits an ADTS
 * stream, fed in chunks of any size, into raw frames ({@link io.custody.aac.AdtsFrame}) and their
 * {@link io.custody.aac.AacConfig} (the AudioSpecificConfig a muxer writes into {@code esds}).
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>Malformed input raises {@link io.custody.aac.AacFormatException} with a reason and the
 *       stream offset; nothing malformed is passed on.
 *   <li>A frame handed to the callback is a view over the reader's buffer, valid only during the
 *       call: copy it to keep it.
 *   <li>Memory is bounded by one frame. Not thread-safe; no dependencies beyond the JDK.
 * </ul>
 */
package io.custody.aac;
