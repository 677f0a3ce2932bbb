package dev.orgplane.org.user;

/**
 * Where the password goes that the service generated for the platform admin it made at first start (none was
 * configured). It is never stored in clear, so this is the one time it can be told.
 */
@FunctionalInterface
public interface GeneratedAdminPassword {

  /** Printed on stdout: where the service runs without a place of its own for files. */
  GeneratedAdminPassword PRINTED = (email, password) -> System.out.println("Orgplane platform admin: " + email
      + " / " + password + "  (shown once; set ORGPLANE_ADMIN_EMAIL and ORGPLANE_ADMIN_PASSWORD to choose your own)");

  /**
   * Called on a worker thread: it may block. Called before the admin is committed: a failure here makes no admin and
   * fails the start.
   */
  void tell(String email, String password);
}
