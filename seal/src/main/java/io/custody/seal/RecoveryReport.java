package io.custody.seal;

/**
 * What {@link Recovery#recover} did.
 *
 * @param repaired whether the segment had to be repaired (false: it was complete, and was copied
 *     to the target unchanged)
 * @param originalBytes size of the damaged object
 * @param keptBytes bytes of it kept (header and every record up to the last complete fragment)
 * @param lostBytes bytes after that: at most the fragment that was being written
 * @param fragmentsKept complete fragments in the repaired segment
 * @param partialFragmentLost whether records of an unfinished fragment were dropped
 */
public record RecoveryReport(
    boolean repaired, long originalBytes, long keptBytes, long lostBytes, int fragmentsKept,
    boolean partialFragmentLost) {}
