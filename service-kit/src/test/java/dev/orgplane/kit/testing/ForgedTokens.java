package dev.orgplane.kit.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The ways an attacker bends a real token, each as a function from a valid token to a forged one.
 * Every door of the platform (the gateway and each service) must answer all of them with 401.
 */
public final class ForgedTokens {

  private ForgedTokens() {
  }

  /** Name -> forgery; the forgery may answer null, meaning "send no token at all". */
  public static Map<String, UnaryOperator<String>> all(String issuer, String audience) {
    var forgeries = new LinkedHashMap<String, UnaryOperator<String>>();
    forgeries.put("missing", t -> null);
    forgeries.put("garbage", t -> "garbage");
    forgeries.put("alg none", t -> withHeader(t, "{\"alg\":\"none\",\"kid\":\"" + kid(t) + "\"}", ""));
    forgeries.put("alg NONE", t -> withHeader(t, "{\"alg\":\"NONE\",\"kid\":\"" + kid(t) + "\"}", ""));
    forgeries.put("alg nOnE with signature", t -> withHeader(t, "{\"alg\":\"nOnE\",\"kid\":\"" + kid(t) + "\"}", null));
    forgeries.put("alg HS256", t -> withHeader(t, "{\"alg\":\"HS256\",\"kid\":\"" + kid(t) + "\"}", null));
    forgeries.put("stripped signature", t -> t.substring(0, t.lastIndexOf('.') + 1));
    forgeries.put("zero signature r=s=0", t -> t.substring(0, t.lastIndexOf('.') + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]));
    forgeries.put("tampered payload", t -> {
      var parts = t.split("\\.");
      return parts[0] + "." + b64(TestKeys.claims(issuer, audience, "00000000-0000-0000-0000-000000000000").encode())
          + "." + parts[2];
    });
    forgeries.put("jku header", t -> withHeader(t, "{\"alg\":\"ES256\",\"kid\":\"" + kid(t)
        + "\",\"jku\":\"http://127.0.0.1:1/jwks\"}", null));
    forgeries.put("embedded jwk header", t -> withHeader(t, "{\"alg\":\"ES256\",\"kid\":\"" + kid(t)
        + "\",\"jwk\":{\"kty\":\"EC\"}}", null));
    forgeries.put("unknown kid", t -> withHeader(t, "{\"alg\":\"ES256\",\"kid\":\"no-such-key\"}", null));
    return forgeries;
  }

  private static String kid(String token) {
    var header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    return new io.vertx.core.json.JsonObject(header).getString("kid");
  }

  private static String withHeader(String token, String header, String signature) {
    var parts = token.split("\\.");
    return b64(header) + "." + parts[1] + "." + (signature == null ? parts[2] : signature);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
