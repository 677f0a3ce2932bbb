package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.OrgApiException;
import java.util.HashMap;
import java.util.Map;

/**
 * The query a plugin's list path may carry, as org-service reads it: {@code include=userIds} on teams (their member
 * ids), {@code order=name} or {@code order=id} on the lists sorted by name (roles, teams). Any other parameter, or
 * either on another list, is refused as the service refuses it ({@code unknown_parameter}), and so is another value
 * ({@code invalid_include}, {@code invalid_order}).
 */
record ListQuery(String path, boolean withMemberIds, boolean byId) {

  static ListQuery of(String listed) {
    var mark = listed.indexOf('?');
    var path = mark < 0 ? listed : listed.substring(0, mark);
    var parameters = new HashMap<String, String>();
    if (mark >= 0) {
      for (var parameter : listed.substring(mark + 1).split("&")) {
        var equals = parameter.indexOf('=');
        parameters.put(equals < 0 ? parameter : parameter.substring(0, equals),
            equals < 0 ? "" : parameter.substring(equals + 1));
      }
    }
    var include = take(parameters, "include", path.equals("groups"));
    var order = take(parameters, "order", ServiceKind.of(path).map(ServiceKind::sortedByName).orElse(false));
    if (!parameters.isEmpty()) {
      throw refused("unknown_parameter", "Unknown query parameters " + parameters.keySet() + ".");
    }
    if (include != null && !include.equals("userIds")) {
      throw refused("invalid_include", "include may only be userIds.");
    }
    if (order != null && !order.equals("name") && !order.equals("id")) {
      throw refused("invalid_order", "order is name or id.");
    }
    return new ListQuery(path, include != null, "id".equals(order));
  }

  /** The value of {@code name}, taken out of {@code parameters} where the list reads it. */
  private static String take(Map<String, String> parameters, String name, boolean read) {
    return read ? parameters.remove(name) : null;
  }

  private static OrgApiException refused(String code, String detail) {
    return new OrgApiException(400, code, detail, null);
  }
}
