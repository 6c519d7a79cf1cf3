package io.custody.storage.s3;

import io.custody.storage.NoSuchObjectException;
import io.custody.storage.StorageException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** How SDK failures become the storage SPI's exceptions. */
final class Errors {
  private Errors() {}

  static int status(SdkException e) {
    return e instanceof SdkServiceException s ? s.statusCode() : 0;
  }

  static String code(SdkException e) {
    if (e instanceof S3Exception s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null) {
      return s.awsErrorDetails().errorCode();
    }
    return "";
  }

  /**
   * 404 → {@link NoSuchObjectException}; 5xx, 408, 429, 409 OperationAborted and failures without a
   * response (timeouts, refused or dropped connections) → transient {@link StorageException}; other
   * 4xx → permanent.
   */
  static StorageException map(SdkException e, String key, String what) {
    int status = status(e);
    if (status == 404 && !"NoSuchBucket".equals(code(e)) && !"NoSuchUpload".equals(code(e))) {
      NoSuchObjectException n = new NoSuchObjectException(key);
      n.addSuppressed(e); // (its cause is fixed by its constructor)
      return n;
    }
    boolean transientFailure = e instanceof SdkClientException || status >= 500 || status == 408 || status == 429
        || "OperationAborted".equals(code(e)); // 409: a conflicting operation on the object, try again
    String detail = status == 0 ? e.getMessage()
        : "HTTP " + status + (code(e).isEmpty() ? "" : " " + code(e)) + ": " + e.getMessage();
    return new StorageException(what + " '" + key + "' failed: " + detail, e, transientFailure);
  }
}
