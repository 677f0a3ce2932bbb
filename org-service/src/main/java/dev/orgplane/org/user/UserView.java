package dev.orgplane.org.user;

/** A user as the API shows them: never the password hash. */
public record UserView(String id, String email, boolean emailVerified, String name, boolean platformAdmin,
    String createdAt) {
}
