package dev.orgplane.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The public API as a command-line tool sees it: blocking calls through the gateway with a bearer
 * token. A refused call becomes one line for the operator, with the problem's code and detail.
 */
final class GatewayClient {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private String token;

  GatewayClient(String baseUrl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  /** Signs in with the password grant; the token is used for every later call. */
  void signIn(String email, String password) {
    var form = "grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    var answer = send(HttpRequest.newBuilder(uri("/v1/auth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)), "signing in");
    token = answer.getString("access_token");
  }

  JsonObject get(String path) {
    return send(authorized(path).GET(), "GET " + path);
  }

  JsonObject post(String path, JsonObject body) {
    return send(authorized(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())), "POST " + path);
  }

  private HttpRequest.Builder authorized(String path) {
    if (token == null) {
      throw new LauncherException("no credentials: give --token (or ORGPLANE_TOKEN), or --email and --password");
    }
    return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token);
  }

  private URI uri(String path) {
    try {
      return URI.create(baseUrl + path);
    } catch (IllegalArgumentException e) {
      throw new LauncherException("--url is not a URL: " + baseUrl);
    }
  }

  private JsonObject send(HttpRequest.Builder request, String what) {
    HttpResponse<String> response;
    try {
      response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new LauncherException("cannot reach " + baseUrl + " (is the platform running?)");
    } catch (IOException e) {
      throw new LauncherException(what + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(what + " was interrupted");
    }
    var body = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      var problem = body == null ? "" : ": " + body.getString("code", "") + " - " + body.getString("detail", "");
      throw new LauncherException(what + " was refused (HTTP " + response.statusCode() + ")" + problem);
    }
    return body == null ? new JsonObject() : body;
  }

  private static JsonObject parse(String text) {
    try {
      return text == null || text.isBlank() ? null : new JsonObject(text);
    } catch (DecodeException e) {
      return null;
    }
  }
}
