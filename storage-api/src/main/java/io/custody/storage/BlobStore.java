package io.custody.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A place sealed evidence is kept: a directory, a bucket, anything a plugin reaches. Objects are
 * addressed by keys: UTF-8 strings of 1 to 1,024 bytes, segments separated by {@code /}, none of
 * them empty or starting with {@code .} (names starting with a dot are temporaries, such as a
 * segment still being sealed, and never objects), no NUL or control characters. Keys are deterministic
 * (recording id and segment index), so many writers can share one store without coordinating:
 * creates are conditional (create-if-absent), and a key never holds two different contents.
 *
 * <p>Thread-safety: a store is safe for concurrent use by many threads (one {@link BlobWriter}
 * per thread). Every method blocks until done; wrap calls in an executor for async use.
 */
public interface BlobStore extends Closeable {
  /** The URI the store was opened with (credentials left out). */
  URI uri();

  Capabilities capabilities();

  /**
   * Starts writing a new object under {@code key}; see {@link BlobWriter} for atomicity and the
   * create-if-absent rule.
   *
   * @throws IllegalArgumentException if the key is not valid
   */
  BlobWriter create(String key, CreateOptions options) throws IOException;

  /** Reads a whole object. */
  default InputStream read(String key) throws IOException {
    return read(key, 0, Long.MAX_VALUE);
  }

  /**
   * Reads {@code length} bytes from {@code offset} (fewer at the end of the object).
   *
   * @throws NoSuchObjectException if there is no such object
   */
  InputStream read(String key, long offset, long length) throws IOException;

  /** The object's info, or empty if there is none. */
  Optional<BlobInfo> stat(String key) throws IOException;

  /**
   * One page of the objects whose keys start with {@code prefix}, in key order.
   *
   * @param token empty for the first page, else {@link Page#next()} of the previous one
   * @param maxItems at most this many (stores may return fewer)
   */
  Page list(String prefix, Optional<String> token, int maxItems) throws IOException;

  /**
   * Deletes an object.
   *
   * @throws RetentionException if it is under retention or legal hold
   * @throws NoSuchObjectException if there is none
   */
  void delete(String key) throws IOException;

  /**
   * Sets or extends retention, or sets or clears the legal hold ({@link Capabilities#retention()}).
   * Shortening compliance retention is refused.
   *
   * @throws RetentionException if the change is not allowed
   * @throws UnsupportedOperationException if the store keeps no retention
   */
  void protect(String key, Optional<Retention> retention, boolean legalHold) throws IOException;

  /**
   * Reads a whole object and checks it against the SHA-256 the store holds for it: the stream
   * throws {@link IntegrityException} at its end if the bytes differ (so a caller must read to
   * the end before trusting them).
   */
  default InputStream readVerified(String key) throws IOException {
    BlobInfo info = stat(key).orElseThrow(() -> new NoSuchObjectException(key));
    return new io.custody.storage.spi.VerifyingInputStream(read(key), key, info.size(), info.sha256());
  }

  /** Every object under {@code prefix}, fetched a page at a time as the iteration goes. */
  default Iterator<BlobInfo> listAll(String prefix) {
    return new Iterator<>() {
      private Page page;
      private int index;

      @Override
      public boolean hasNext() {
        try {
          while (page == null || (index == page.items().size() && page.next().isPresent())) {
            page = list(prefix, page == null ? Optional.empty() : page.next(), 1000);
            index = 0;
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return index < page.items().size();
      }

      @Override
      public BlobInfo next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.items().get(index++);
      }
    };
  }

  /**
   * Every key under {@code prefix}, in key order, fetched a page at a time as the iteration goes:
   * {@link #listAll} without the objects' info. A store whose info costs a read or a request per
   * object (a file's SHA-256 attribute, an S3 HEAD) answers this from its listing alone, so
   * callers that only need the keys (a verifier, which proves every byte with the device's
   * signature) should use it. Default: the keys of {@link #listAll}.
   */
  default Iterator<String> listKeys(String prefix) {
    Iterator<BlobInfo> all = listAll(prefix);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return all.hasNext();
      }

      @Override
      public String next() {
        return all.next().key();
      }
    };
  }
}
