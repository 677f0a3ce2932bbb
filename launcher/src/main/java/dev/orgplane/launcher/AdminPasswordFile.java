package dev.orgplane.launcher;

import dev.orgplane.org.user.GeneratedAdminPassword;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The password generated for the platform admin at first start goes into {@value #FILE} in the data directory
 * (standalone's, or that of an org-service run alone), readable by this user only, and only its path is printed:
 * printed, the password would be kept wherever the output is (a CI log, journald, a container's log). A file that
 * cannot be written so has the password printed after all, with a warning.
 */
final class AdminPasswordFile implements GeneratedAdminPassword {

  static final String FILE = "admin-password";

  private final Path file;

  /** Into {@code directory}, made (if need be) private to this user when the password is written. */
  AdminPasswordFile(Path directory) {
    this.file = directory.toAbsolutePath().normalize().resolve(FILE);
  }

  @Override
  public void tell(String email, String password) {
    try {
      PrivateFiles.directory(file.getParent());
      PrivateFiles.write(file, password + "\n");
    } catch (IOException | UnsupportedOperationException e) {
      System.err.println("orgplane: warning: cannot write " + file + " readable by this user only (" + e
          + "): the platform admin's password is printed instead, and kept wherever this output goes");
      PRINTED.tell(email, password);
      return;
    }
    System.out.println("Orgplane platform admin: " + email + ", its password in " + file + " (readable by you only; "
        + "set ORGPLANE_ADMIN_EMAIL and ORGPLANE_ADMIN_PASSWORD to choose your own)");
  }
}
