package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The generated platform admin password: in a file only this user reads, its path printed, not the password. */
class AdminPasswordFileTest {

  private static final String PASSWORD = "generated-Secret_42";

  @TempDir
  Path temp;

  @RegisterExtension
  final CapturedOutput output = new CapturedOutput();
  private DataDirectory dataDir;

  @BeforeEach
  void claim() {
    dataDir = DataDirectory.claim(temp.resolve("data"));
  }

  @AfterEach
  void release() throws Exception {
    dataDir.close();
  }

  @Test
  void thePasswordGoesIntoAFileOnlyThisUserReadsAndItsPathIsPrinted() throws Exception {
    var file = dataDir.path().resolve(AdminPasswordFile.FILE);
    // left by a database made earlier on this directory, and readable by all
    Files.writeString(file, "an older password\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    new AdminPasswordFile(dataDir.path()).tell("admin@orgplane.local", PASSWORD);

    assertEquals(PASSWORD + "\n", Files.readString(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    var printed = output.out();
    assertTrue(printed.contains("admin@orgplane.local") && printed.contains(file.toString()), printed);
    assertFalse(printed.contains(PASSWORD) || output.err().contains(PASSWORD), printed);
  }

  /** An org-service run alone writes it into a data directory it makes, private to this user. */
  @Test
  void aDirectoryNotMadeYetIsMadePrivate() throws Exception {
    var directory = temp.resolve("org-service-data");

    new AdminPasswordFile(directory).tell("admin@orgplane.local", PASSWORD);

    assertEquals(PASSWORD + "\n", Files.readString(directory.resolve(AdminPasswordFile.FILE)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    assertFalse(output.out().contains(PASSWORD), output.out());
  }

  /** Made private, /tmp or a home directory would lock every other user out of it; no admin is made instead. */
  @Test
  void aDirectoryHoldingOtherFilesIsRefusedAndLeftAsItWas() throws Exception {
    var shared = Files.createDirectories(temp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.writeString(shared.resolve("someone-elses"), "");

    var refused = assertThrows(LauncherException.class,
        () -> new AdminPasswordFile(shared).tell("admin@orgplane.local", PASSWORD));

    assertTrue(refused.getMessage().startsWith("the data directory " + shared + " holds other files than a "
        + "standalone's, someone-elses among them (ORGPLANE_DATA_DIR)"), refused.getMessage());
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
    assertFalse(Files.exists(shared.resolve(AdminPasswordFile.FILE)));
    assertEquals("", output.out() + output.err());
  }

  /** It used to be printed instead, with a warning, and kept wherever the output went. */
  @Test
  void aFileThatCannotBeWrittenIsAFailureNamingWhatToDoAndThePasswordIsNotPrinted() throws Exception {
    // a directory in the file's place: nothing can be written there
    var file = dataDir.path().resolve(AdminPasswordFile.FILE);
    Files.createDirectories(file.resolve("in-the-way"));

    var failure = assertThrows(LauncherException.class,
        () -> new AdminPasswordFile(dataDir.path()).tell("admin@orgplane.local", PASSWORD));

    assertTrue(failure.getMessage().startsWith("cannot write the generated platform admin password to " + file)
        && failure.getMessage().endsWith(": set ORGPLANE_ADMIN_PASSWORD or make ORGPLANE_DATA_DIR writable"),
        failure.getMessage());
    assertFalse(failure.getMessage().contains(PASSWORD));
    assertEquals("", output.out() + output.err());
  }
}
