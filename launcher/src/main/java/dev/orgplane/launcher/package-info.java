/**
 * The {@code orgplane} executable: {@code standalone} runs every service in one process on an
 * embedded PostgreSQL; {@code gateway}, {@code org-service} and {@code engine} run one service each
 * for multi-process deployments; {@code admin} holds operator commands.
 */
package dev.orgplane.launcher;
