package dev.orgplane.kit.http;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The OpenAPI document of the whole public API, shipped in service-kit and checked against every service's routes. */
public final class ApiDocument {

  private static final String RESOURCE = "dev/orgplane/openapi.json";

  private ApiDocument() {
  }

  public static byte[] bytes() {
    try (var in = ApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
