package dev.orgplane.gateway.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * An answer's Vary with request headers of the gateway's own added: the names its Vary lines give (a service's), then
 * {@code names}, in one header, each name once, whatever their case. The router's CORS handler and the reads served
 * below the router ({@link FastExchange}) merge by this one rule, so a cache sees the same Vary from both.
 */
public final class Vary {

  /** What an answer to a request that is no preflight depends on, with CORS configured. */
  public static final List<String> ORIGIN = List.of("Origin");

  private Vary() {
  }

  /** The one Vary value of {@code lines} (an answer's Vary headers, in order) and {@code names}. */
  public static String merged(List<String> lines, List<String> names) {
    var given = lines.stream().flatMap(line -> Arrays.stream(line.split(","))).map(String::trim)
        .filter(name -> !name.isEmpty());
    var named = new ArrayList<String>();
    for (var name : Stream.concat(given, names.stream()).toList()) {
      if (named.stream().noneMatch(name::equalsIgnoreCase)) {
        named.add(name);
      }
    }
    return String.join(", ", named);
  }
}
