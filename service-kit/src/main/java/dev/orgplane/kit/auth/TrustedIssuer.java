package dev.orgplane.kit.auth;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.MaskedUrl;
import dev.orgplane.kit.config.Settings;
import io.netty.util.NetUtil;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer whose tokens we accept: its {@code iss}, the audience our tokens must name, its keys. An external one
 * may also name a {@code workloadAudience}: its tokens naming that audience are machines' (workload identity
 * federation), which sign in as service users only, and its others people's, which never do (null: the issuer's
 * tokens are people's alone). Two audiences keep the two apart: with one, a service user's federated credential
 * naming a person's subject took that person's first sign-in for the service user's. The platform's own tokens live
 * at most {@code longestLifetimeSeconds}; an external issuer's as long as it says ({@link #ANY_LIFETIME}).
 */
public record TrustedIssuer(String issuer, String audience, String workloadAudience, KeySource keys,
    long longestLifetimeSeconds) {

  /** An external issuer's tokens live as long as it says. */
  public static final long ANY_LIFETIME = Long.MAX_VALUE;
  /** The longest the platform's access and refresh tokens may be set to live: a year. */
  public static final long LONGEST_TOKEN_TTL_SECONDS = 31_536_000;

  public TrustedIssuer {
    if (longestLifetimeSeconds < 1) {
      throw new IllegalArgumentException("tokens living at most " + longestLifetimeSeconds + " s: none would do");
    }
  }

  /** The platform's own issuer, org-service: people's tokens alone, none living longer than {@code lifetimeSeconds}. */
  public TrustedIssuer(String issuer, String audience, KeySource keys, long lifetimeSeconds) {
    this(issuer, audience, null, keys, lifetimeSeconds);
  }

  /** The platform's own issuer as the settings name it ({@code ORGPLANE_PUBLIC_URL}), its keys {@code keys}. */
  public static TrustedIssuer platform(Settings settings, KeySource keys) {
    return new TrustedIssuer(settings.string("ORGPLANE_PUBLIC_URL"), settings.string("ORGPLANE_TOKEN_AUDIENCE"), keys,
        tokenLifetimeSeconds(settings));
  }

  /** How long the platform's access tokens live ({@code ORGPLANE_TOKEN_TTL_SECONDS}): a second to a year. */
  public static long tokenLifetimeSeconds(Settings settings) {
    return settings.longValue("ORGPLANE_TOKEN_TTL_SECONDS", 1, LONGEST_TOKEN_TTL_SECONDS);
  }

  /** {@code issuers} by their {@code iss}, each named once ({@link #external} refuses a second, and the own one). */
  public static Map<String, TrustedIssuer> byIssuer(List<TrustedIssuer> issuers) {
    return issuers.stream().collect(Collectors.toUnmodifiableMap(TrustedIssuer::issuer, Function.identity()));
  }

  /** The audiences a token of this issuer may name, one at least. */
  public List<String> audiences() {
    return workloadAudience == null ? List.of(audience) : List.of(audience, workloadAudience);
  }

  /** Whether {@code principal}'s token, this issuer's, is a machine's: it names the workload audience. */
  public boolean isWorkload(Principal principal) {
    return workloadAudience != null && principal.audiences().contains(workloadAudience);
  }

  private static final Logger LOG = LoggerFactory.getLogger(TrustedIssuer.class);
  private static final String SETTING = "ORGPLANE_TRUSTED_ISSUERS";
  private static final String OWN_SETTING = "ORGPLANE_PUBLIC_URL";

  /**
   * The external issuers of {@value #SETTING} (a JSON array of
   * {@code {issuer, jwksUrl, audience, workloadAudience?, insecureJwks?}}; blank: none), their keys fetched from their
   * JWKS URLs. An entry without one of the three, or with a JWKS URL that is not http(s), stops the start naming the
   * entry and the field: taken as it was, it failed every token of its issuer with a 500 (or the start with a
   * NullPointerException). So does a plain http JWKS URL to a host other than loopback, unless the entry says
   * {@code "insecureJwks": true} (a provider reached over a network its operator trusts, inside a cluster), which is
   * logged as a WARN: whoever could change the keys on the way signed tokens of that provider, and a person's token
   * signs in to the account its verified address names. So does one naming {@code ownIssuer}, the
   * platform's ({@value #OWN_SETTING}): its tokens are org-service's, checked with org-service's keys alone, and
   * the gateway's start failed on a bare "Duplicate key".
   */
  public static List<TrustedIssuer> external(Vertx vertx, String setting, String ownIssuer) {
    return external(setting, ownIssuer, jwksUrl -> new RemoteJwks(vertx, jwksUrl, JwksSchedule.STANDARD), true);
  }

  /**
   * Reads {@code setting} as {@link #external} does, without a Vert.x to fetch keys with: a launcher checks it before it
   * makes a database. It logs nothing: the start that fetches the keys warns of an {@code insecureJwks} entry, and
   * a check warning too repeated the warning once for each service checked first.
   */
  public static void checkExternal(String setting, String ownIssuer) {
    external(setting, ownIssuer, jwksUrl -> null, false);
  }

  /** The same, their keys fetched with {@code client} on {@code schedule}. */
  public static List<TrustedIssuer> external(Vertx vertx, WebClient client, String setting, String ownIssuer,
      JwksSchedule schedule) {
    return external(setting, ownIssuer, jwksUrl -> new RemoteJwks(vertx, client, jwksUrl, schedule), true);
  }

  private static List<TrustedIssuer> external(String setting, String ownIssuer,
      Function<String, KeySource> keysAt, boolean warnOfInsecureJwks) {
    if (setting == null || setting.isBlank()) {
      return List.of();
    }
    var entries = array(setting);
    var issuers = new ArrayList<TrustedIssuer>();
    for (int i = 0; i < entries.size(); i++) {
      if (!(entries.getValue(i) instanceof JsonObject entry)) {
        throw new ConfigException(SETTING + "[" + i + "] is not an object {issuer, jwksUrl, audience}");
      }
      var issuer = required(entry, i, "issuer");
      var audience = required(entry, i, "audience");
      var jwksUrl = required(entry, i, "jwksUrl");
      var workloadAudience = entry.containsKey("workloadAudience") ? required(entry, i, "workloadAudience") : null;
      if (audience.equals(workloadAudience)) {
        throw new ConfigException(SETTING + "[" + i + "].workloadAudience is the audience: a person's token would "
            + "be taken for a machine's");
      }
      if (!isHttpUrl(jwksUrl)) {
        throw new ConfigException(SETTING + "[" + i + "].jwksUrl is not an http(s) URL: " + MaskedUrl.of(jwksUrl));
      }
      if (!isHttpsOrLoopback(jwksUrl)) {
        if (!insecureJwks(entry, i)) {
          throw new ConfigException(SETTING + "[" + i + "].jwksUrl is plain http to a host other than loopback: "
              + MaskedUrl.of(jwksUrl) + " (use https: keys fetched in clear can be swapped on the way, and a "
              + "provider's tokens sign in to accounts; or say \"insecureJwks\": true in the entry if the network "
              + "is yours)");
        }
        if (warnOfInsecureJwks) {
          LOG.warn("{}[{}] fetches {}'s keys over plain http ({}), as its insecureJwks allows: whoever can change "
              + "them on the way signs its tokens", SETTING, i, issuer, MaskedUrl.of(jwksUrl));
        }
      }
      if (issuer.equals(ownIssuer)) {
        throw new ConfigException(SETTING + "[" + i + "].issuer is " + OWN_SETTING + " (" + issuer + "), the "
            + "platform's own issuer: its tokens are org-service's alone");
      }
      if (issuers.stream().anyMatch(known -> known.issuer().equals(issuer))) {
        throw new ConfigException(SETTING + "[" + i + "].issuer names " + issuer + " a second time");
      }
      issuers.add(new TrustedIssuer(issuer, audience, workloadAudience, keysAt.apply(jwksUrl), ANY_LIFETIME));
    }
    return issuers;
  }

  private static JsonArray array(String setting) {
    try {
      return new JsonArray(setting);
    } catch (DecodeException e) {
      throw new ConfigException(SETTING + " must be a JSON array of {issuer, jwksUrl, audience}: " + e.getMessage());
    }
  }

  /** An entry's {@code insecureJwks}: false when it says nothing, a start stopped when it says anything but a boolean. */
  private static boolean insecureJwks(JsonObject entry, int index) {
    var value = entry.containsKey("insecureJwks") ? entry.getValue("insecureJwks") : Boolean.FALSE;
    if (!(value instanceof Boolean allowed)) {
      throw new ConfigException(SETTING + "[" + index + "].insecureJwks is not true or false");
    }
    return allowed;
  }

  private static String required(JsonObject entry, int index, String field) {
    if (!(entry.getValue(field) instanceof String value) || value.isBlank()) {
      throw new ConfigException(SETTING + "[" + index + "]." + field + " is missing (a non-empty string)");
    }
    return value;
  }

  /**
   * Whether {@code url}, an http(s) one, is https, or http to this host itself (a test's provider, a sidecar) named by
   * a loopback address or {@code localhost} (loopback by RFC 6761): no other name is taken, as what a name resolves
   * to is another party's to change.
   */
  private static boolean isHttpsOrLoopback(String url) {
    var uri = URI.create(url);
    if ("https".equals(uri.getScheme())) {
      return true;
    }
    var host = uri.getHost();
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    var literal = NetUtil.createInetAddressFromIpAddressString(
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
    return literal != null && literal.isLoopbackAddress();
  }

  private static boolean isHttpUrl(String url) {
    try {
      var uri = new URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}
