package dev.orgplane.launcher;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The command-line configuration layer: {@code --set KEY=VALUE}, which beats defaults and env. */
final class ConfigOptions {

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
      description = "Set a configuration key (see the README's table), e.g. --set ORGPLANE_HTTP_PORT=9090.")
  Map<String, String> values = new LinkedHashMap<>();

  JsonObject asJson() {
    var json = new JsonObject();
    values.forEach((key, value) -> {
      if (!key.startsWith("ORGPLANE_")) {
        throw new LauncherException("unknown configuration key '" + key + "': keys start with ORGPLANE_");
      }
      json.put(key, value);
    });
    return json;
  }
}
