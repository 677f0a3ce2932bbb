package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

  @Test
  void aDirectoryOthersCouldReadIsMadePrivate() throws IOException {
    var path = temp.resolve("shared");
    Files.createDirectories(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    try (var claimed = DataDirectory.claim(path)) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(claimed.path())));
      assertEquals("rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(claimed.path().resolve("orgplane.lock"))));
    }
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
}
