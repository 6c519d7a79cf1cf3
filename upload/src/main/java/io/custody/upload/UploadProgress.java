package io.custody.upload;

/**
 * A snapshot of an upload run, for a progress bar or a dock's status page.
 *
 * @param segmentsTotal objects found to upload in this run
 * @param segmentsDone objects uploaded and verified (or found already there and verified)
 * @param segmentsFailed objects given up on (conflict, or retries exhausted)
 * @param bytesDone bytes of the objects done (the total is not known up front: objects are listed
 *     without reading them)
 * @param bytesPerSecond average transfer rate so far
 */
public record UploadProgress(int segmentsTotal, int segmentsDone, int segmentsFailed, long bytesDone,
    double bytesPerSecond) {}
