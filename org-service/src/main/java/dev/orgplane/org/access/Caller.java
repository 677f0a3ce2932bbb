package dev.orgplane.org.access;

import java.util.UUID;

/** The caller at platform level: their user id, and whether they act as platform admin. */
public record Caller(UUID userId, boolean platformAdmin, boolean scoped) {
}
