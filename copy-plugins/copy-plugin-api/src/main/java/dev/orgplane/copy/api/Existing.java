package dev.orgplane.copy.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a copy does to a copy already in the target (job option {@value CopyContext#EXISTING}): replace it by what
 * the template gives ({@link #UPDATE}, syncing the tenant to the template) or leave it exactly as the tenant made it
 * ({@link #KEEP}, adding only what is missing). Sent to org-service as {@code "existing": "keep"}.
 */
public enum Existing {
  UPDATE, KEEP;

  /** The option's and the API's spelling, {@code "update"} or {@code "keep"}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The value spelled {@code value}, if it is one (anything but these two strings is none). */
  public static Optional<Existing> of(Object value) {
    return Arrays.stream(values()).filter(existing -> existing.value().equals(value)).findFirst();
  }
}
