package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The keys {@code --set} takes are the keys the README documents, so neither refuses what the other names. */
class ConfigOptionsTest {

  /** A row of the README's configuration table names one key or more, each in backquotes, before its first '|'. */
  private static final Pattern TABLE_ROW = Pattern.compile("^\\| (`ORGPLANE_[A-Z0-9_]+`(?:, `ORGPLANE_[A-Z0-9_]+`)*) \\|");

  @Test
  void everyKeyTheReadmeDocumentsIsKnownAndNoOther() throws Exception {
    var documented = new TreeSet<String>();
    for (var line : Files.readAllLines(Path.of("..", "README.md"))) {
      var row = TABLE_ROW.matcher(line);
      if (row.find()) {
        for (var key : row.group(1).split(", ")) {
          documented.add(key.replace("`", ""));
        }
      }
    }
    var known = new TreeSet<>(ConfigOptions.CONFIGURATION_KEYS);
    known.addAll(ConfigOptions.ENVIRONMENT_ONLY);

    assertEquals(documented, known);
  }

  @Test
  void aMistypedKeyIsMatchedToTheKeyMeant() {
    assertEquals("ORGPLANE_HTTP_PORT", ConfigOptions.closest("ORGPLANE_HTTP_PROT", ConfigOptions.CONFIGURATION_KEYS).orElseThrow());
    assertEquals("ORGPLANE_ENGINE_WORKERS", ConfigOptions.closest("ORGPLANE_ENGINE_WORKER", ConfigOptions.CONFIGURATION_KEYS).orElseThrow());
    assertTrue(ConfigOptions.closest("ORGPLANE_COLOUR", ConfigOptions.CONFIGURATION_KEYS).isEmpty(), "nothing near it");
  }
}
