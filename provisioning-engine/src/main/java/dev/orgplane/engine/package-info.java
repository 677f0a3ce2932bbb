/**
 * The provisioning engine: orders the copy plugins ({@code plugin}) and serves the provisioning
 * API. Owns schema {@code provisioning}.
 */
package dev.orgplane.engine;
