package dev.orgplane.kit.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.function.Executable;

/** The start-up tests of settings out of range: each stops the start with one line naming the setting and its value. */
public final class RefusedSettings {

  private RefusedSettings() {
  }

  /** For each key and value of {@code refused}, the start {@code startWith} makes of them fails so. */
  public static void assertEachStopsTheStart(Map<String, String> refused,
      Function<Map.Entry<String, String>, Executable> startWith) {
    refused.entrySet().forEach(setting -> {
      var key = setting.getKey();
      var value = setting.getValue();
      var message = assertThrows(ConfigException.class, startWith.apply(setting), key + "=" + value).getMessage();
      assertTrue(message.startsWith(key + " must be ")
          && (message.endsWith(", got " + value) || message.endsWith(", got '" + value + "'")), message);
    });
  }
}
