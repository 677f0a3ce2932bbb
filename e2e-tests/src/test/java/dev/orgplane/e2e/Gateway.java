package dev.orgplane.e2e;

import dev.orgplane.kit.auth.ClientSecretBasic;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** A plain HTTP client of the gateway, as any API consumer would use it. */
final class Gateway {

  private final HttpClient client;
  private final String baseUrl;

  Gateway(String baseUrl) {
    this(baseUrl, HttpClient.Version.HTTP_2);
  }

  /** Speaking {@code version}: the JDK's client asks for HTTP/2 (h2c) unless told otherwise. */
  Gateway(String baseUrl, HttpClient.Version version) {
    this.client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
    this.baseUrl = baseUrl;
  }

  /** {@code etag} and {@code location} are null when the answer has no such header. */
  record Reply(int status, String contentType, String body, String etag, String location) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  Reply get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  /** A GET that the object changed since its tag was read: 304 without a body if it did not. */
  Reply getIfChanged(String path, String token, String etag) {
    return send(request(path, token).header("If-None-Match", etag).GET().build());
  }

  Reply postJson(String path, String token, JsonObject body) {
    return send(request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  Reply send(String method, String path, String token, JsonObject body) {
    return send(method, path, token, body, Map.of());
  }

  /** With {@code headers} besides the token ({@code If-Match}, say). */
  Reply send(String method, String path, String token, JsonObject body, Map<String, String> headers) {
    var publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode());
    var builder = request(path, token).header("Content-Type", "application/json");
    headers.forEach(builder::header);
    return send(builder.method(method, publisher).build());
  }

  /**
   * A request without a body, written by hand as curl sends one: HTTP/1.1 and no {@code Content-Length}. The JDK's
   * client (17) sends {@code Content-Length: 0} even with a GET, so none of its requests takes the gateway's path for
   * requests without a body, the one most reads and deletes take.
   */
  Reply sendWithoutBody(String method, String path, String token, Map<String, String> headers) {
    var uri = URI.create(baseUrl);
    var head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + uri.getAuthority()
        + "\r\nConnection: close\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    try (var socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      return HandWrittenAnswer.parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  Reply postJson(String path, String token, JsonObject body, Map<String, String> headers) {
    var builder = request(path, token).header("Content-Type", "application/json");
    headers.forEach(builder::header);
    return send(builder.POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  /** Any body at all, sent as JSON: for requests that must be refused. */
  Reply sendRaw(String method, String path, String token, String body) {
    return send(request(path, token).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
  }

  Reply postForm(String path, Map<String, String> form) {
    var encoded = form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    return send(request(path, null).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encoded)).build());
  }

  /** A password-grant token, the way a user's client obtains one. */
  String token(String email, String password) {
    var reply = postForm("/v1/auth/token", Map.of("grant_type", "password", "username", email, "password", password));
    if (reply.status() != 200) {
      throw new IllegalStateException("token request failed: " + reply);
    }
    return reply.json().getString("access_token");
  }

  /** A service user's token (OAuth 2.0 client credentials, HTTP Basic). */
  String clientCredentials(String clientId, String secret) {
    var reply = send(request("/v1/auth/token", null)
        .header("Authorization", new ClientSecretBasic(clientId, secret).header())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
    if (reply.status() != 200) {
      throw new IllegalStateException("client credentials failed: " + reply);
    }
    return reply.json().getString("access_token");
  }

  private HttpRequest.Builder request(String path, String token) {
    var builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Reply send(HttpRequest request) {
    try {
      var response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
          response.body(), response.headers().firstValue("ETag").orElse(null),
          response.headers().firstValue("Location").orElse(null));
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
