package io.custody.storage;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing, in key order. {@link #next()} is the token for the following page, empty
 * on the last. Immutable.
 */
public record Page(List<BlobInfo> items, Optional<String> next) {
  public Page {
    items = List.copyOf(items);
  }
}
