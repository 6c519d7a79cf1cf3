package io.custody.cli;

import io.custody.storage.BlobStore;
import io.custody.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A store URI as the command line takes it: {@code STORE} (every recording in it), {@code
 * STORE#RECORDING_ID} (one recording), or a plain path (taken as {@code file:PATH}).
 */
final class StoreRef {
  final URI store;
  final Optional<String> recording;

  private StoreRef(URI store, Optional<String> recording) {
    this.store = store;
    this.recording = recording;
  }

  static StoreRef parse(String text) {
    int hash = text.indexOf('#');
    String base = hash < 0 ? text : text.substring(0, hash);
    Optional<String> id = hash < 0 || hash == text.length() - 1 ? Optional.empty() : Optional.of(text.substring(hash + 1));
    URI uri;
    try {
      uri = base.contains(":") && !base.startsWith("/") && !base.startsWith(".") ? new URI(base) : null;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a store URI: " + text);
    }
    if (uri == null || uri.getScheme() == null || uri.getScheme().length() == 1) {
      uri = Paths.get(base).toAbsolutePath().normalize().toUri();
    }
    return new StoreRef(uri, id);
  }

  BlobStore open() throws IOException {
    return Storage.open(store);
  }

  /** The directory of a file: store (for commands that work on files directly). */
  Optional<Path> directory() {
    if (!"file".equalsIgnoreCase(store.getScheme())) {
      return Optional.empty();
    }
    return Optional.of(store.isOpaque() ? Paths.get(store.getSchemeSpecificPart()) : Paths.get(store));
  }

  /** Segment keys by recording: the named one, or every recording in the store. */
  SortedMap<String, List<String>> segments(BlobStore s) throws IOException {
    TreeMap<String, List<String>> byRecording = new TreeMap<>();
    Iterator<String> it = s.listKeys(recording.map(r -> r + "/").orElse(""));
    while (it.hasNext()) {
      String key = it.next();
      int slash = key.indexOf('/');
      if (slash > 0 && key.endsWith(".sealed") && key.indexOf('/', slash + 1) < 0) {
        byRecording.computeIfAbsent(key.substring(0, slash), k -> new ArrayList<>()).add(key);
      }
    }
    return byRecording;
  }

  @Override
  public String toString() {
    return store + recording.map(r -> "#" + r).orElse("");
  }
}
