package dev.orgplane.launcher;

import dev.orgplane.kit.http.AccessLogSink;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UseDefaultConverter;

/** The command-line configuration layer: {@code --set KEY=VALUE}, which beats defaults and env. */
final class ConfigOptions {

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", converter = {Key.class, UseDefaultConverter.class},
      description = "Set a configuration key (see the README's table), e.g. --set ORGPLANE_HTTP_PORT=9090.")
  Map<String, String> values = new LinkedHashMap<>();

  JsonObject asJson() {
    return new JsonObject(new LinkedHashMap<>(values));
  }

  /**
   * Keys read from the environment alone, before any configuration is (the transport Vert.x starts on, logging,
   * how a failed start is reported): set on the command line they would change nothing.
   */
  static final Set<String> ENVIRONMENT_ONLY = Set.of(IoTransport.VARIABLE, StartupFailure.DEBUG,
      AccessLogSink.FLUSH_MILLIS, "ORGPLANE_ACCESS_LOG_LEVEL");

  /** A key is refused while the command line is read, as a usage error, before the command starts anything. */
  static final class Key implements ITypeConverter<String> {
    @Override
    public String convert(String key) {
      if (!key.startsWith("ORGPLANE_")) {
        throw new TypeConversionException("unknown configuration key '" + key + "': keys start with ORGPLANE_");
      }
      if (ENVIRONMENT_ONLY.contains(key)) {
        throw new TypeConversionException(key + " is read from the environment only: set it there");
      }
      return key;
    }
  }
}
