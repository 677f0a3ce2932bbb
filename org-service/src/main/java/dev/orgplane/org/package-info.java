/**
 * The org service: the tenancy domain. Identity and tokens ({@code identity}), users
 * ({@code user}), organization groups ({@code group}), organizations ({@code organization}),
 * members ({@code membership}), roles and the permission catalog ({@code role}), the one
 * authorization decision ({@code access}) and the audit trail ({@code audit}). Owns schema
 * {@code org}.
 */
package dev.orgplane.org;
