package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory belongs to one process at a time, and to its operating-system user only. */
class DataDirectoryTest {

  @TempDir
  Path temp;

  @Test
  void aClaimedDirectoryIsRefusedToTheNextClaimUntilReleased() throws IOException {
    var path = temp.resolve("data");
    try (var first = DataDirectory.claim(path)) {
      var refused = assertThrows(LauncherException.class, () -> DataDirectory.claim(path));
      assertTrue(refused.getMessage().contains(path.toString()) && refused.getMessage().contains("in use"),
          refused.getMessage());
      assertEquals(1, refused.getMessage().lines().count());
    }
    DataDirectory.claim(path).close();
  }

  /** Taken as initdb takes an empty one: nothing in it is anyone else's. */
  @Test
  void anEmptyDirectoryOthersCouldReadIsTakenAndMadePrivate() throws IOException {
    var path = temp.resolve("shared");
    Files.createDirectories(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    try (var claimed = DataDirectory.claim(path)) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(claimed.path())));
      assertEquals("rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(claimed.path().resolve("orgplane.lock"))));
    }
  }

  /** As /tmp, a home directory or a shared mount: made private, it would lock every other user out of it. */
  @Test
  void aDirectoryHoldingOtherFilesIsRefusedAndLeftAsItWas() throws IOException {
    var shared = everyoneCanWrite("shared");
    Files.createDirectory(shared.resolve(".X11-unix"));
    Files.writeString(shared.resolve("postgres.log"), "");
    Files.writeString(shared.resolve("report.pdf"), "");

    var refused = assertThrows(LauncherException.class, () -> DataDirectory.claim(shared));

    assertEquals("the data directory " + shared + " holds other files than a standalone's, .X11-unix among them "
        + "(ORGPLANE_DATA_DIR): choose an empty directory or one a standalone made; nothing in it was changed",
        refused.getMessage());
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
    assertFalse(Files.exists(shared.resolve("orgplane.lock")));
  }

  /** What it refuses is the link's target, which it would have made private; the link alone says little. */
  @Test
  void aLinkToADirectoryHoldingOtherFilesIsRefusedNamingItsTarget() throws IOException {
    var shared = everyoneCanWrite("shared");
    Files.writeString(shared.resolve("notes.txt"), "");
    var link = Files.createSymbolicLink(temp.resolve("data"), shared);

    var refused = assertThrows(LauncherException.class, () -> DataDirectory.claim(link));

    assertTrue(refused.getMessage().startsWith("the data directory " + link + " (a link to " + shared.toRealPath()
        + ") holds other files than a standalone's, notes.txt among them"), refused.getMessage());
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
  }

  /** The first release wrote its database and log only; a later one's files may be there, and half-written ones. */
  @Test
  void aDirectoryAnEarlierStandaloneMadeIsTakenAndMadePrivate() throws IOException {
    var first = everyoneCanWrite("first-release");
    Files.createDirectories(first.resolve("pg"));
    Files.writeString(first.resolve("pg/PG_VERSION"), "16\n");
    Files.writeString(first.resolve("postgres.log"), "");
    var latest = everyoneCanWrite("latest");
    for (var directory : List.of("pg", "pg-binaries")) {
      Files.createDirectory(latest.resolve(directory));
    }
    for (var file : List.of("orgplane.lock", "postgres.log", "postgres.url", "postgres.password", "admin-password",
        "org-service.sock", "engine.sock", "postgres.url.4711.next")) {
      Files.writeString(latest.resolve(file), "");
    }

    for (var made : List.of(first, latest)) {
      try (var claimed = DataDirectory.claim(made)) {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(claimed.path())));
      }
    }
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsRefusedAndLeftAsItWas() throws IOException {
    var file = Files.writeString(temp.resolve("data"), "kept");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    var refused = assertThrows(LauncherException.class, () -> DataDirectory.claim(file));

    assertEquals("the data directory " + file + " cannot be made or written (ORGPLANE_DATA_DIR): a file of that name "
        + "exists", refused.getMessage());
    assertEquals("kept", Files.readString(file));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  /** The kernel's reason, not the path again: /proc takes no directory of ours, nor does a regular file. */
  @Test
  void aDirectoryThatCannotBeMadeIsRefusedSayingWhy() throws IOException {
    var inProc = Path.of("/proc/orgplane-data-directory-test");
    var refused = assertThrows(LauncherException.class, () -> DataDirectory.claim(inProc));
    assertEquals("the data directory " + inProc + " cannot be made or written (ORGPLANE_DATA_DIR): no such file or "
        + "directory", refused.getMessage());

    var file = Files.writeString(temp.resolve("file"), "");
    refused = assertThrows(LauncherException.class, () -> DataDirectory.claim(file.resolve("data")));
    assertEquals("the data directory " + file.resolve("data") + " cannot be made or written (ORGPLANE_DATA_DIR): Not a "
        + "directory", refused.getMessage());
  }

  /** A directory under {@code temp} that every user may write to, as /tmp: the umask leaves none so when it is made. */
  private Path everyoneCanWrite(String name) throws IOException {
    var directory = Files.createDirectories(temp.resolve(name));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
    return directory;
  }
}
