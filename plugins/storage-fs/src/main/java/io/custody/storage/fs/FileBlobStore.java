package io.custody.storage.fs;

import io.custody.storage.BlobInfo;
import io.custody.storage.BlobStore;
import io.custody.storage.BlobWriter;
import io.custody.storage.Capabilities;
import io.custody.storage.CreateOptions;
import io.custody.storage.IntegrityException;
import io.custody.storage.Keys;
import io.custody.storage.NoSuchObjectException;
import io.custody.storage.ObjectExistsException;
import io.custody.storage.Page;
import io.custody.storage.Retention;
import io.custody.storage.RetentionException;
import io.custody.storage.Sha256;
import io.custody.storage.StorageException;
import io.custody.storage.StorageFullException;
import io.custody.storage.spi.AbstractBlobWriter;
import io.custody.storage.spi.RetentionRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link BlobStore} in a local directory. Key {@code a/b/c} is the file {@code ROOT/a/b/c}, so
 * the store can be browsed and backed up with ordinary tools. Names starting with a dot are
 * never objects: {@code ROOT/.custody} holds the store's temporary files, and a recorder sealing
 * straight into the directory keeps its segment in progress as {@code .NNNNN.sealed.part}, so the
 * directory a camera records into can be opened as a store and uploaded from.
 *
 * <p>Crash safety (kill -9 or power loss at any point): an object is written to {@code
 * .custody/tmp}, forced to the device, given its metadata (SHA-256, retention, legal hold) as user
 * extended attributes, and then hard-linked to its key. {@code link(2)} is atomic and fails if the
 * key exists, which is exactly create-if-absent; the directory is forced after it. So a key holds
 * either nothing or a complete object with its metadata, never part of one. Temporary files left
 * by a crash are removed when a store is opened (those older than an hour, so writers of another
 * process sharing the directory are left alone). A full disk at any step (writing, forcing, the
 * attributes, a new prefix directory, the link) raises {@link StorageFullException}; the temporary
 * file is removed and the key stays as it was.
 *
 * <p>Retention and legal hold live in extended attributes ({@code user.custody.retention},
 * {@code user.custody.legal-hold}) and are enforced by this plugin: deletes through the store are
 * refused. They do not stop someone with shell access from removing the file; where that matters
 * use a store whose server enforces retention (S3 Object Lock), or mount the directory
 * append-only.
 *
 * <p>Needs a file system with user extended attributes and hard links (ext4, xfs, btrfs, f2fs);
 * opening fails clearly otherwise. Thread-safe, and safe for several processes sharing one root.
 */
public final class FileBlobStore implements BlobStore {
  static final String SHA256_ATTR = "custody.sha256";
  static final String RETENTION_ATTR = "custody.retention";
  static final String HOLD_ATTR = "custody.legal-hold";
  private static final String RESERVED = ".custody";
  private static final Duration STALE_TEMP = Duration.ofHours(1);

  private final Path root;
  private final Path tmp;
  private final boolean fsync;
  private final Clock clock = Clock.systemUTC();

  private FileBlobStore(Path root, boolean fsync) {
    this.root = root;
    this.tmp = root.resolve(RESERVED).resolve("tmp");
    this.fsync = fsync;
  }

  /** Opens (creating if needed) the store rooted at {@code root}. */
  public static FileBlobStore open(Path root, boolean fsync) throws IOException {
    Path abs = root.toAbsolutePath().normalize();
    FileBlobStore store = new FileBlobStore(abs, fsync);
    Files.createDirectories(store.tmp);
    store.checkFileSystem();
    store.removeStaleTemporaries();
    return store;
  }

  private void checkFileSystem() throws IOException {
    Path probe = tmp.resolve("probe-" + UUID.randomUUID());
    Files.createFile(probe);
    try {
      UserDefinedFileAttributeView view = Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
      if (view == null) {
        throw new StorageException("the file system at " + root + " has no user extended attributes");
      }
      try {
        view.write("custody.probe", ByteBuffer.wrap(new byte[] {1}));
      } catch (IOException | UnsupportedOperationException e) {
        throw new StorageException("the file system at " + root + " does not keep user extended"
            + " attributes (needed for object metadata): " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private void removeStaleTemporaries() throws IOException {
    Instant cutoff = clock.instant().minus(STALE_TEMP);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
      for (Path f : files) {
        try {
          if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
            Files.deleteIfExists(f);
          }
        } catch (NoSuchFileException ignored) {
          // another process removed it first
        }
      }
    }
  }

  @Override
  public URI uri() {
    return root.toUri();
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(true, false, false, false);
  }

  private Path pathOf(String key) {
    return root.resolve(Keys.check(key));
  }

  @Override
  public BlobWriter create(String key, CreateOptions options) throws IOException {
    Path target = pathOf(key);
    Path temp = tmp.resolve(UUID.randomUUID() + ".part");
    FileChannel channel;
    try {
      channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw StorageFullException.onLocalDisk(e, temp);
    }
    return new AbstractBlobWriter(key, options) {
      @Override
      protected void send(ByteBuffer src) throws IOException {
        try {
          while (src.hasRemaining()) {
            channel.write(src);
          }
        } catch (IOException e) {
          throw StorageFullException.onLocalDisk(e, temp);
        }
      }

      @Override
      protected BlobInfo publish(Sha256 sha256, long size) throws IOException {
        try {
          return link(sha256, size);
        } catch (IOException e) {
          throw StorageFullException.onLocalDisk(e, target);
        }
      }

      /** Forces the temporary file, gives it its metadata and links it to the key; it is gone after. */
      private BlobInfo link(Sha256 sha256, long size) throws IOException {
        if (fsync) {
          channel.force(true);
        }
        channel.close();
        UserDefinedFileAttributeView view = view(temp);
        setAttr(view, SHA256_ATTR, sha256.hex());
        if (options.retention().isPresent()) {
          setAttr(view, RETENTION_ATTR, encode(options.retention().get()));
        }
        if (options.legalHold()) {
          setAttr(view, HOLD_ATTR, "on");
        }
        createParents(target.getParent());
        try {
          Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
          BlobInfo existing = info(key, target);
          if (existing.sha256().equals(sha256) && existing.size() == size) {
            return existing; // a retried upload of the same bytes
          }
          throw new ObjectExistsException(key, "'" + key + "' already holds different bytes");
        } finally {
          Files.deleteIfExists(temp);
        }
        forceDirectory(target.getParent());
        return info(key, target);
      }

      @Override
      protected void discard() throws IOException {
        channel.close();
        Files.deleteIfExists(temp);
      }
    };
  }

  /** Creates missing parent directories, forcing each new entry into its own parent. */
  private void createParents(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    createParents(dir.getParent());
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw new StorageException("'" + root.relativize(dir) + "' is an object, so it cannot be a key prefix");
      }
    }
    forceDirectory(dir.getParent());
  }

  private void forceDirectory(Path dir) throws IOException {
    if (!fsync) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  @Override
  public InputStream read(String key, long offset, long length) throws IOException {
    Path p = pathOf(key);
    FileChannel c;
    try {
      c = FileChannel.open(p, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(key);
    }
    long size = c.size();
    long from = Math.min(offset, size);
    long n = Math.min(length, size - from);
    c.position(from);
    InputStream in = Channels.newInputStream(c);
    return new InputStream() {
      private long left = n;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int r = in.read(b, off, (int) Math.min(len, left));
        if (r > 0) {
          left -= r;
        }
        return r;
      }

      @Override
      public void close() throws IOException {
        c.close();
      }
    };
  }

  @Override
  public Optional<BlobInfo> stat(String key) throws IOException {
    Path p = pathOf(key);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      return Optional.of(info(key, p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private BlobInfo info(String key, Path p) throws IOException {
    UserDefinedFileAttributeView view = view(p);
    String recorded = getAttr(view, SHA256_ATTR);
    Sha256 sha;
    if (recorded == null) {
      sha = hashFile(p); // placed by other means than this store
    } else {
      try {
        sha = Sha256.parse(recorded);
      } catch (IllegalArgumentException e) {
        throw new IntegrityException("'" + key + "' has a malformed SHA-256 attribute (user." + SHA256_ATTR + "): "
            + e.getMessage());
      }
    }
    FileTime modified = Files.getLastModifiedTime(p);
    String retention = getAttr(view, RETENTION_ATTR);
    return new BlobInfo(key, Files.size(p), sha, modified.toInstant(),
        retention == null ? Optional.empty() : Optional.of(decode(retention)), "on".equals(getAttr(view, HOLD_ATTR)));
  }

  @Override
  public Page list(String prefix, Optional<String> token, int maxItems) throws IOException {
    List<String> keys = new ArrayList<>();
    boolean more = walk(prefix, token.orElse(null), maxItems, keys);
    List<BlobInfo> items = new ArrayList<>();
    for (String key : keys) {
      try {
        items.add(info(key, pathOf(key)));
      } catch (NoSuchFileException gone) {
        // deleted while listing
      }
    }
    return new Page(items, more ? Optional.of(keys.get(keys.size() - 1)) : Optional.empty());
  }

  /**
   * The keys alone, from the directory entries: no file is opened, so a file placed here by other
   * means (a segment the recorder sealed into this directory) is not hashed to list it.
   */
  @Override
  public Iterator<String> listKeys(String prefix) {
    return new Iterator<>() {
      private List<String> page = List.of();
      private int index;
      private boolean more = true;

      @Override
      public boolean hasNext() {
        if (index == page.size() && more) {
          List<String> next = new ArrayList<>();
          try {
            more = walk(prefix, page.isEmpty() ? null : page.get(page.size() - 1), 1000, next);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          page = next;
          index = 0;
        }
        return index < page.size();
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.get(index++);
      }
    };
  }

  /** Adds up to {@code max} keys that start with {@code prefix} and sort after {@code after}; true if more may follow. */
  private boolean walk(String prefix, String after, int max, List<String> keys) throws IOException {
    int slash = prefix.lastIndexOf('/');
    String dirPrefix = slash < 0 ? "" : prefix.substring(0, slash + 1);
    Path start = dirPrefix.isEmpty() ? root : root.resolve(dirPrefix);
    return Files.isDirectory(start) && walk(start, dirPrefix, prefix, after, max, keys);
  }

  /**
   * Adds the keys under {@code dir} (whose keys start with {@code dirKey}) that start with {@code
   * prefix} and sort after {@code after}, in key order; returns true when it stopped because the
   * page was full and more keys may follow.
   */
  private boolean walk(Path dir, String dirKey, String prefix, String after, int max, List<String> keys)
      throws IOException {
    List<String[]> entries = new ArrayList<>(); // sort name (dirs get a '/'), file name
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue; // temporaries (".custody", a segment's ".part" while it is sealed) are no objects
        }
        boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        entries.add(new String[] {isDir ? name + "/" : name, name});
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    entries.sort((a, b) -> a[0].compareTo(b[0]));
    for (String[] e : entries) {
      String key = dirKey + e[0];
      boolean isDir = e[0].endsWith("/");
      if (!key.startsWith(prefix) && !prefix.startsWith(key)) {
        continue;
      }
      if (isDir) {
        if (after != null && after.compareTo(key) > 0 && !after.startsWith(key)) {
          continue; // every key below sorts before the token
        }
        if (walk(dir.resolve(e[1]), key, prefix, after, max, keys)) {
          return true;
        }
      } else if (key.startsWith(prefix) && (after == null || key.compareTo(after) > 0)) {
        if (keys.size() == max) {
          return true;
        }
        keys.add(key);
      }
    }
    return false;
  }

  @Override
  public void delete(String key) throws IOException {
    Path p = pathOf(key);
    BlobInfo info = stat(key).orElseThrow(() -> new NoSuchObjectException(key));
    if (info.isProtectedAt(clock.instant())) {
      throw new RetentionException(key, "'" + key + "' is under retention or legal hold");
    }
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(key);
    }
    forceDirectory(p.getParent());
  }

  @Override
  public synchronized void protect(String key, Optional<Retention> retention, boolean legalHold) throws IOException {
    Path p = pathOf(key);
    BlobInfo info = stat(key).orElseThrow(() -> new NoSuchObjectException(key));
    RetentionRules.checkChange(key, info.retention(), retention, clock.instant());
    UserDefinedFileAttributeView view = view(p);
    if (retention.isPresent()) {
      setAttr(view, RETENTION_ATTR, encode(retention.get()));
    } else if (getAttr(view, RETENTION_ATTR) != null) {
      view.delete(RETENTION_ATTR);
    }
    if (legalHold) {
      setAttr(view, HOLD_ATTR, "on");
    } else if (getAttr(view, HOLD_ATTR) != null) {
      view.delete(HOLD_ATTR);
    }
    if (fsync) {
      try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
        c.force(true);
      }
    }
  }

  @Override
  public void close() {}

  private static UserDefinedFileAttributeView view(Path p) {
    return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static void setAttr(UserDefinedFileAttributeView view, String name, String value) throws IOException {
    view.write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static String getAttr(UserDefinedFileAttributeView view, String name) throws IOException {
    if (!view.list().contains(name)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.allocate(view.size(name));
    view.read(name, b);
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }

  private static String encode(Retention r) {
    return r.mode().name() + " " + r.until();
  }

  private static Retention decode(String s) {
    int space = s.indexOf(' ');
    return new Retention(Retention.Mode.valueOf(s.substring(0, space)), Instant.parse(s.substring(space + 1)));
  }

  private static Sha256 hashFile(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return Sha256.of(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
