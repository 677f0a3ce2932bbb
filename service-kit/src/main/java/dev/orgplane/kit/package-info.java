/**
 * What every Orgplane service is built from: configuration ({@code config}), the PostgreSQL pool and
 * versioned migrations ({@code db}), the HTTP conventions every service shares: problem+json errors,
 * request ids, access log, body limit ({@code http}), health ({@code health}), Prometheus metrics
 * ({@code metrics}), the delivery loop of a transactional outbox ({@code outbox}), and the rules of an
 * organization's profile fields, which the provisioning engine checks before org-service does ({@code organization}).
 * Its test-jar holds the one PostgreSQL test fixture of the project.
 */
package dev.orgplane.kit;
