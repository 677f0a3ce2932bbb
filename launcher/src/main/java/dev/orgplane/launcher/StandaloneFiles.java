package dev.orgplane.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * What a standalone keeps in its data directory, this release's and every earlier one's: a directory that holds
 * anything else was not made by a standalone, and is not one to take. ORGPLANE_DATA_DIR=/tmp (or $HOME, a shared
 * mount, a mistyped path) made that directory private to this user, which broke every other user and service of it.
 */
final class StandaloneFiles {

  private static final Set<String> NAMES = Set.of(DataDirectory.LOCK_FILE, EmbeddedDatabase.SERVER,
      EmbeddedDatabase.BINARIES, EmbeddedDatabase.LOG, EmbeddedDatabase.RECORDED_URL, DatabasePassword.FILE,
      AdminPasswordFile.FILE, StandaloneCommand.ORG_SERVICE_SOCKET, StandaloneCommand.ENGINE_SOCKET);

  private StandaloneFiles() {
  }

  /**
   * Refuses an existing {@code directory} that holds anything but a standalone's files, before anything in it is
   * touched; one to be made passes. A link is followed: its target is what would be made private.
   */
  static void requireNothingElse(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      // to be made, or refused as it is made: a file of that name, say
      return;
    }
    var other = other(directory);
    if (other.isPresent()) {
      var named = Files.isSymbolicLink(directory)
          ? directory + " (a link to " + directory.toRealPath() + ")" : directory.toString();
      throw new LauncherException("the data directory " + named + " holds other files than a standalone's, "
          + other.get() + " among them (ORGPLANE_DATA_DIR): choose an empty directory or one a standalone made; "
          + "nothing in it was changed");
    }
  }

  /** An entry of {@code directory} that no standalone wrote, the first by name; none in an empty directory. */
  private static Optional<String> other(Path directory) throws IOException {
    try (var entries = Files.list(directory)) {
      return entries.map(entry -> entry.getFileName().toString()).filter(name -> !standalones(name)).sorted()
          .findFirst();
    }
  }

  /** One of its files, or the next version of one that a process ending left half made ({@link PrivateFiles#write}). */
  private static boolean standalones(String name) {
    return NAMES.contains(name)
        || name.endsWith(".next") && NAMES.stream().anyMatch(file -> name.startsWith(file + "."));
  }
}
