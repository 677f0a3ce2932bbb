package dev.orgplane.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The new tenants of a batch, as named on the command line and in a targets file, and where each was named: the
 * API names a refused target by its place in the batch ({@code targets[17].name}), which in a file of hundreds
 * of lines the operator could not find. A tenant is its name, or its name, a comma and its owner's email address
 * ({@code acme,ceo@acme.example}): the platform invites the owner once the tenant is made. A comma, not a space:
 * a name with a space in it stays one name, which the platform refuses by name.
 */
final class NewTenants {

  private static final Pattern TARGET_FIELD = Pattern.compile("targets\\[(\\d+)].*");

  /** What editors on Windows put before a UTF-8 file's first line: no part of its first tenant's name. */
  private static final String BYTE_ORDER_MARK = "\uFEFF";

  /** A tenant; {@code owner} is null when none is named. */
  private record Tenant(String name, String owner, String namedIn) {

    static Tenant parse(String named, String namedIn) {
      var parts = named.split(",", -1);
      if (parts.length > 2 || (parts.length == 2 && parts[1].isBlank())) {
        throw new Malformed(namedIn + ": a tenant is a name, or a name, a comma and its owner's email address, got '"
            + named + "'");
      }
      return new Tenant(parts[0].trim(), parts.length == 2 ? parts[1].trim() : null, namedIn);
    }
  }

  /** A tenant that is neither a name nor a name and an owner: the command line cannot be used. */
  static final class Malformed extends IllegalArgumentException {
    Malformed(String message) {
      super(message);
    }
  }

  /**
   * The largest targets file read: a batch takes 1,000 tenants, each a name and an address of at most 320 bytes, so
   * anything larger is another file, and read whole it could exhaust the heap (an error taken for failed jobs).
   */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private final List<Tenant> tenants;

  private NewTenants(List<Tenant> tenants) {
    this.tenants = tenants;
  }

  /** The arguments, then the file's lines that are neither blank nor {@code #} comments. */
  static NewTenants read(List<String> arguments, Path targetsFile) {
    var tenants = new ArrayList<Tenant>();
    arguments.forEach(name -> tenants.add(Tenant.parse(name, "command line")));
    if (targetsFile != null) {
      List<String> lines;
      try {
        if (Files.size(targetsFile) > MAX_FILE_BYTES) {
          throw new LauncherException("cannot read " + targetsFile + ": it is larger than " + MAX_FILE_BYTES
              + " bytes, far more than the 1,000 tenants a batch takes");
        }
        lines = new ArrayList<>(Files.readAllLines(targetsFile));
      } catch (MalformedInputException e) {
        throw new LauncherException("cannot read " + targetsFile + ": it is not UTF-8 text (save it as UTF-8)");
      } catch (IOException e) {
        throw new LauncherException("cannot read " + targetsFile + ": " + FileFailure.why(e, targetsFile));
      }
      if (!lines.isEmpty() && lines.get(0).startsWith(BYTE_ORDER_MARK)) {
        lines.set(0, lines.get(0).substring(BYTE_ORDER_MARK.length()));
      }
      for (int i = 0; i < lines.size(); i++) {
        var name = lines.get(i).trim();
        if (!name.isEmpty() && !name.startsWith("#")) {
          tenants.add(Tenant.parse(name, targetsFile + " line " + (i + 1)));
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

  /** The batch's targets, each titled with its name, with its owner if one is named. */
  JsonArray targets() {
    var targets = new JsonArray();
    tenants.forEach(tenant -> {
      var target = new JsonObject().put("name", tenant.name()).put("title", tenant.name());
      if (tenant.owner() != null) {
        target.put("owner", new JsonObject().put("email", tenant.owner()));
      }
      targets.add(target);
    });
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
