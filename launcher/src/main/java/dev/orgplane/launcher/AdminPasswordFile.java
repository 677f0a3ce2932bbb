package dev.orgplane.launcher;

import dev.orgplane.org.user.GeneratedAdminPassword;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The password generated for the platform admin at first start goes into {@value #FILE} in the data directory
 * (standalone's, or that of an org-service run alone), readable by this user only, and only its path is printed:
 * printed, the password would be kept wherever the output is (a CI log, journald, a container's log). A file that
 * cannot be written so stops the start, and no admin is made: the password is told nowhere else.
 */
final class AdminPasswordFile implements GeneratedAdminPassword {

  static final String FILE = "admin-password";

  private final Path file;

  /**
   * Into {@code directory}, made (if need be) private to this user when the password is written: one that holds other
   * files than a standalone's is refused instead, as {@link DataDirectory} refuses it.
   */
  AdminPasswordFile(Path directory) {
    this.file = directory.toAbsolutePath().normalize().resolve(FILE);
  }

  @Override
  public void tell(String email, String password) {
    try {
      // org-service run alone has claimed no data directory: /tmp, say, would be made private to this user
      StandaloneFiles.requireNothingElse(file.getParent());
      PrivateFiles.directory(file.getParent());
      PrivateFiles.write(file, password + "\n");
    } catch (IOException e) {
      throw unwritable(FileFailure.why(e, file), e);
    } catch (UnsupportedOperationException e) {
      throw unwritable("its file system has no owner-only permissions", e);
    }
    System.out.println("Orgplane platform admin: " + email + ", its password in " + file + " (readable by you only; "
        + "set ORGPLANE_ADMIN_EMAIL and ORGPLANE_ADMIN_PASSWORD to choose your own)");
  }

  private LauncherException unwritable(String why, Exception e) {
    return new LauncherException("cannot write the generated platform admin password to " + file + " (" + why
        + "): set ORGPLANE_ADMIN_PASSWORD or make ORGPLANE_DATA_DIR writable", e);
  }
}
