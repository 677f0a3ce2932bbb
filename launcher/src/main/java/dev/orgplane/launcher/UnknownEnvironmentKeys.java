package dev.orgplane.launcher;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ORGPLANE_* variables of the environment that nothing reads: a mistyped key ({@code ORGPLANE_SMTP_PASWORD}) or
 * one a release retired. Unlike {@code --set}, which refuses such a key, a start only warns about them: a variable
 * left behind in a unit file or a container's environment must not stop an upgrade.
 */
final class UnknownEnvironmentKeys {

  private static final Logger LOG = LoggerFactory.getLogger(UnknownEnvironmentKeys.class);

  /** Every ORGPLANE_* variable the {@code orgplane} command reads, whatever its command. */
  private static final Set<String> KNOWN = Stream.of(ConfigOptions.CONFIGURATION_KEYS, ConfigOptions.ENVIRONMENT_ONLY,
          Set.of(ProvisionCommand.TOKEN_VARIABLE, ProvisionCommand.PASSWORD_VARIABLE))
      .flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());

  private UnknownEnvironmentKeys() {
  }

  /** Logs one warning for each unknown key of {@code environment}. */
  static void warnAbout(Map<String, String> environment) {
    warnings(environment).forEach(LOG::warn);
  }

  /** One line for each unknown key of {@code environment}, by name: the name only, as a value may be a secret. */
  static List<String> warnings(Map<String, String> environment) {
    return environment.keySet().stream().filter(key -> key.startsWith("ORGPLANE_") && !KNOWN.contains(key)).sorted()
        .map(key -> key + " in the environment is no Orgplane setting, and changes nothing"
            + ConfigOptions.closest(key, KNOWN).map(known -> ": did you mean " + known + "?")
                .orElse(" (see the README's Configuration table)"))
        .toList();
  }
}
