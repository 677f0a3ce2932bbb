package dev.orgplane.launcher;

import dev.orgplane.kit.config.MaskedUrl;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The public API as a command-line tool sees it: blocking calls through the gateway with a bearer
 * token. A refused call becomes one line for the operator, with the problem's code and detail, and a line for
 * each field the problem names. Signed in with a
 * password, it refreshes its token when the gateway says it ran out: following a long batch outlives the hour.
 * Following, it rides out a platform that restarts or is busy for a while ({@link #poll}).
 */
final class GatewayClient {

  /** Answers of a gateway or service that is restarting, overloaded or behind one that is: they pass. */
  private static final Set<Integer> PASSING = Set.of(429, 502, 503, 504);
  /** The 409 of a POST made again with its key while the first is still running. */
  private static final String IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use";
  /**
   * A retry's first pause: short, as most of what passes (a restart's last moment, a busy second) ends soon; doubled
   * at each retry up to the longest. An answer's {@code Retry-After} is waited for all the same.
   */
  private static final long FIRST_PAUSE_MILLIS = 50;
  private static final long LONGEST_PAUSE_MILLIS = 8_000;

  /**
   * A call that failed for a reason that passes: no connection, or one of the {@link #PASSING} answers, with how long
   * that asked to be left alone ({@code Retry-After}, 0 without one).
   */
  static final class Unavailable extends LauncherException {
    private final long retryAfterMillis;

    Unavailable(String message) {
      this(message, 0);
    }

    Unavailable(String message, long retryAfterMillis) {
      super(message);
      this.retryAfterMillis = retryAfterMillis;
    }
  }

  /**
   * A call the platform refused with a problem: its one line, then a line for each field it found wrong, which
   * {@link #describe} lets a command annotate with what the field stands for there.
   */
  static final class Refused extends LauncherException {
    private final String headline;
    private final String code;
    private final JsonArray errors;

    Refused(String headline, String code, JsonArray errors) {
      super(headline);
      this.headline = headline;
      this.code = code;
      this.errors = errors;
    }

    /** The problem's code, null when the answer was no problem. */
    String code() {
      return code;
    }

    String describe(UnaryOperator<String> aboutField) {
      var text = new StringBuilder(headline);
      errors.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).forEach(error -> {
        var field = error.getString("field", "");
        text.append("\n  ").append(field).append(": ").append(error.getString("message", ""))
            .append(aboutField.apply(field));
      });
      return text.toString();
    }

    @Override
    public String getMessage() {
      return describe(field -> "");
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private String token;
  private String refreshToken;
  /** Objects read with an ETag, by path: read again, an unchanged one is a 304 without a body (a batch followed). */
  private final Map<String, Tagged> held = new HashMap<>();

  private record Tagged(String etag, JsonObject body) {
  }

  /** {@code token} as given: a line read from a file or a variable may end with CR or LF, which no token holds. */
  GatewayClient(String baseUrl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token == null ? null : token.strip();
  }

  /** The gateway's address, without a trailing {@code /}: every call's path follows it. */
  String baseUrl() {
    return baseUrl;
  }

  /** Signs in with the password grant; the token is used for every later call. */
  void signIn(String email, String password) {
    tokens("grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8), "signing in");
  }

  private void tokens(String form, String what) {
    var answer = answer(exchange(HttpRequest.newBuilder(uri("/v1/auth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)), what), what);
    token = answer.getString("access_token");
    refreshToken = answer.getString("refresh_token");
  }

  JsonObject get(String path) {
    var copy = held.get(path);
    var response = call(path, request -> copy == null ? request.GET()
        : request.header("If-None-Match", copy.etag()).GET(), "GET " + path);
    if (response.statusCode() == 304 && copy != null) {
      return copy.body();
    }
    var body = answer(response, "GET " + path);
    response.headers().firstValue("ETag").ifPresentOrElse(tag -> held.put(path, new Tagged(tag, body)),
        () -> held.remove(path));
    return body;
  }

  /**
   * {@link #get} for following something that runs on the platform without this process: a call that is
   * {@link Unavailable} is made again after a pause (doubling from 50 ms, or as long as an answer's
   * {@code Retry-After} asks), each pause told to
   * {@code waiting}, until it has failed for {@code patience}; then it fails {@link Unavailable}, and on any other
   * failure as get does.
   */
  JsonObject poll(String path, Duration patience, Consumer<String> waiting) {
    return retrying(() -> get(path), patience, waiting);
  }

  /** Makes {@code call} until it is not {@link Unavailable}, as {@link #poll} says. */
  private static JsonObject retrying(Supplier<JsonObject> call, Duration patience, Consumer<String> waiting) {
    long giveUpAt = System.nanoTime() + patience.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    while (true) {
      try {
        return call.get();
      } catch (Unavailable e) {
        long left = (giveUpAt - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new Unavailable(e.getMessage() + " (still, after " + patience.toSeconds() + " s of retries)");
        }
        long wait = Math.min(Math.max(pause, e.retryAfterMillis), left);
        waiting.accept(e.getMessage() + "; trying again in " + described(wait));
        sleep(wait);
        pause = Math.min(2 * pause, LONGEST_PAUSE_MILLIS);
      }
    }
  }

  private static String described(long millis) {
    return millis < 1000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
  }

  /** Waits {@code millis}; interrupted (Ctrl-C), the command stops. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException("interrupted");
    }
  }

  /**
   * A POST of what must not be done twice (a batch started, or cancelled): sent with the {@code Idempotency-Key}
   * {@code key} and, while it is {@link Unavailable}, made again with it, as {@link #poll} does. The platform does it once at
   * most, and answers a repeat as it answered the first (for a day): a lost answer no longer starts a second batch,
   * nor does a platform that restarts fail the command. Failing {@link Unavailable}, it may have been done.
   */
  JsonObject postOnce(String path, JsonObject body, String key, Duration patience, Consumer<String> waiting) {
    return retrying(() -> post(path, body, request -> request.header("Idempotency-Key", key)), patience, waiting);
  }

  private JsonObject post(String path, JsonObject body, UnaryOperator<HttpRequest.Builder> headers) {
    return answer(call(path, request -> headers.apply(request).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())), "POST " + path), "POST " + path);
  }

  private HttpResponse<String> call(String path, UnaryOperator<HttpRequest.Builder> method, String what) {
    var response = exchange(method.apply(authorized(path)), what);
    if (response.statusCode() == 401 && refreshToken != null) {
      tokens("grant_type=refresh_token&refresh_token=" + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8),
          "refreshing the sign-in");
      response = exchange(method.apply(authorized(path)), what);
    }
    return response;
  }

  private HttpRequest.Builder authorized(String path) {
    if (token == null) {
      throw new LauncherException("no credentials: give --token (or ORGPLANE_TOKEN), or --email and --password");
    }
    var request = HttpRequest.newBuilder(uri(path));
    try {
      return request.header("Authorization", "Bearer " + token);
    } catch (IllegalArgumentException e) {
      // the JDK's message quotes the value: the token itself would be printed
      throw new LauncherException("--token holds characters a header cannot carry");
    }
  }

  private URI uri(String path) {
    try {
      return URI.create(baseUrl + path);
    } catch (IllegalArgumentException e) {
      throw new LauncherException("--url is not a URL: " + MaskedUrl.of(baseUrl));
    }
  }

  private HttpResponse<String> exchange(HttpRequest.Builder request, String what) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new Unavailable("cannot reach " + MaskedUrl.of(baseUrl) + " (is the platform running?)");
    } catch (IOException e) {
      throw new Unavailable(what + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(what + " was interrupted");
    }
  }

  private static JsonObject answer(HttpResponse<String> response, String what) {
    var body = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      var problem = body == null ? "" : ": " + body.getString("code", "") + " - " + body.getString("detail", "");
      var message = what + " was refused (HTTP " + response.statusCode() + ")" + problem;
      // a repeat that meets its first still running passes as well: the first's answer follows
      boolean passing = PASSING.contains(response.statusCode())
          || (body != null && IDEMPOTENCY_KEY_IN_USE.equals(body.getString("code")));
      throw passing ? new Unavailable(message, retryAfterMillis(response))
          : new Refused(message, body == null ? null : body.getString("code"),
              body == null ? new JsonArray() : body.getJsonArray("errors", new JsonArray()));
    }
    return body == null ? new JsonObject() : body;
  }

  /** The answer's {@code Retry-After} in seconds (the platform's form; a date is not waited for), else 0. */
  private static long retryAfterMillis(HttpResponse<String> response) {
    try {
      return response.headers().firstValue("Retry-After").map(String::strip).map(Long::parseLong)
          .filter(seconds -> seconds > 0).map(seconds -> Math.multiplyExact(seconds, 1000)).orElse(0L);
    } catch (NumberFormatException | ArithmeticException e) {
      return 0;
    }
  }

  private static JsonObject parse(String text) {
    try {
      return text == null || text.isBlank() ? null : new JsonObject(text);
    } catch (DecodeException e) {
      return null;
    }
  }
}
