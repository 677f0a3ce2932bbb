package dev.orgplane.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The new tenants of a batch, as named on the command line and in a targets file, and where each was named: the
 * API names a refused target by its place in the batch ({@code targets[17].name}), which in a file of hundreds
 * of lines the operator could not find.
 */
final class NewTenants {

  private static final Pattern TARGET_FIELD = Pattern.compile("targets\\[(\\d+)].*");

  private record Tenant(String name, String namedIn) {
  }

  private final List<Tenant> tenants;

  private NewTenants(List<Tenant> tenants) {
    this.tenants = tenants;
  }

  /** The arguments, then the file's lines that are neither blank nor {@code #} comments. */
  static NewTenants read(List<String> arguments, Path targetsFile) {
    var tenants = new ArrayList<Tenant>();
    arguments.forEach(name -> tenants.add(new Tenant(name, "command line")));
    if (targetsFile != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(targetsFile);
      } catch (IOException e) {
        throw new LauncherException("cannot read " + targetsFile + ": " + e.getMessage());
      }
      for (int i = 0; i < lines.size(); i++) {
        var name = lines.get(i).trim();
        if (!name.isEmpty() && !name.startsWith("#")) {
          tenants.add(new Tenant(name, targetsFile + " line " + (i + 1)));
        }
      }
    }
    return new NewTenants(tenants);
  }

  boolean isEmpty() {
    return tenants.isEmpty();
  }

  int size() {
    return tenants.size();
  }

  /** The batch's targets, each titled with its name. */
  JsonArray targets() {
    var targets = new JsonArray();
    tenants.forEach(tenant -> targets.add(new JsonObject().put("name", tenant.name()).put("title", tenant.name())));
    return targets;
  }

  /** For a field of a refused batch that is a target's: which tenant it is and where it was named; else "". */
  String whereNamed(String field) {
    var target = TARGET_FIELD.matcher(field);
    if (!target.matches() || Integer.parseInt(target.group(1)) >= tenants.size()) {
      return "";
    }
    var tenant = tenants.get(Integer.parseInt(target.group(1)));
    return " (tenant \"" + tenant.name() + "\", " + tenant.namedIn() + ")";
  }
}
