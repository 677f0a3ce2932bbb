package dev.orgplane.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A data directory whose embedded PostgreSQL has been made (binaries extracted, initdb run) and stopped, made once per
 * test JVM. A test that needs a server, but does not test how a new one is made, starts from a copy of it: a file
 * copy of well under a second, where extracting the binaries and running initdb take 4 to 10 s each time.
 */
final class DataDirectoryTemplate {

  /** What a copy leaves out: the lock is its claimer's, the log and the address an earlier run's. */
  private static final Set<String> NOT_COPIED = Set.of(DataDirectory.LOCK_FILE, EmbeddedDatabase.LOG,
      EmbeddedDatabase.RECORDED_URL);

  private static Path template;

  private DataDirectoryTemplate() {
  }

  /** Copies the template into {@code dataDir} (made if missing): its next start finds a server made and stopped. */
  static void copyTo(Path dataDir) {
    copy(template(), dataDir);
  }

  /**
   * Copies only the template's binaries into {@code dataDir}: its next start makes a new server (initdb), but does not
   * extract them again.
   */
  static void copyBinariesTo(Path dataDir) {
    copy(template().resolve(EmbeddedDatabase.BINARIES), dataDir.resolve(EmbeddedDatabase.BINARIES));
  }

  private static synchronized Path template() {
    if (template == null) {
      template = make();
    }
    return template;
  }

  private static Path make() {
    try {
      var parent = Files.createTempDirectory("orgplane-data-template");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(parent)));
      var making = parent.resolve("making");
      try (var claimed = DataDirectory.claim(making)) {
        EmbeddedDatabaseTest.started(claimed).close();
      }
      // zonky runs the binaries it extracted for every later server of this JVM, whatever their working directory,
      // for as long as they are where it put them: moved, they are found no longer, and each test's server runs the
      // binaries in its own data directory, as standalone's does
      return Files.move(making, parent.resolve("made"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the tree {@code from} into {@code to}, permissions included (initdb's 0700 is what PostgreSQL asks for). */
  private static void copy(Path from, Path to) {
    try (Stream<Path> tree = Files.walk(from)) {
      for (var source : (Iterable<Path>) tree::iterator) {
        var relative = from.relativize(source);
        if (relative.getNameCount() == 1 && NOT_COPIED.contains(relative.toString())) {
          continue;
        }
        var target = to.resolve(relative.toString());
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(target)) {
          continue;
        }
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path tree) {
    try (Stream<Path> paths = Files.walk(tree)) {
      for (var path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // the JVM exits: what is left stays in the temporary directory
    }
  }
}
