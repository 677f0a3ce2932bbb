package dev.orgplane.kit.db;

import dev.orgplane.kit.config.ConfigException;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.stream.Collectors;

/**
 * How connections to PostgreSQL are encrypted: libpq's {@code sslmode} and {@code sslrootcert}, the only parameters
 * of {@code ORGPLANE_PG_URL}, applied alike to the pool and to JDBC (Flyway), so that a migration and the requests
 * after it reach the server the same way. {@code rootCert} is the PEM file of the CA that {@code verify-ca} and
 * {@code verify-full} check the server's certificate against; it is null under the other modes.
 */
public record PgTls(SslMode mode, Path rootCert) {

  /** libpq's default: encrypted if the server offers it, the certificate unchecked, in clear otherwise. */
  public static final PgTls PREFER = new PgTls(SslMode.PREFER, null);
  /**
   * In clear: for a server on loopback that speaks no TLS (the embedded one), to which {@code prefer} would cost two
   * connections for each (Vert.x asks for TLS on one, then connects anew in clear).
   */
  public static final PgTls DISABLE = new PgTls(SslMode.DISABLE, null);

  private static final String MODES = Arrays.stream(SslMode.values()).map(mode -> mode.value)
      .collect(Collectors.joining(", "));

  /** Reads the raw query of the URL ({@code a=b&c=d}, null without one). */
  static PgTls parse(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return PREFER;
    }
    var parameters = new HashMap<String, String>();
    for (var parameter : rawQuery.split("&")) {
      var pair = parameter.split("=", 2);
      var name = decode(pair[0]);
      if (!name.equals("sslmode") && !name.equals("sslrootcert")) {
        // its value is not shown: a misplaced password may be it
        throw new ConfigException("ORGPLANE_PG_URL takes the parameters sslmode and sslrootcert only, not '" + name
            + "'");
      }
      if (parameters.put(name, pair.length > 1 ? decode(pair[1]) : "") != null) {
        throw new ConfigException("ORGPLANE_PG_URL gives " + name + " twice");
      }
    }
    var mode = mode(parameters.getOrDefault("sslmode", SslMode.PREFER.value));
    var verifies = mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL;
    var rootCert = parameters.get("sslrootcert");
    if (verifies && rootCert == null) {
      throw new ConfigException("ORGPLANE_PG_URL's sslmode=" + mode.value + " needs sslrootcert, the PEM file of "
          + "the CA that signed the server's certificate");
    }
    if (!verifies && rootCert != null) {
      // libpq would verify under require when given a CA, JDBC would not: rather than one of them checking, neither
      throw new ConfigException("ORGPLANE_PG_URL's sslrootcert is read under sslmode=verify-ca or verify-full only: "
          + "under sslmode=" + mode.value + " the server's certificate is not checked");
    }
    return new PgTls(mode, rootCert == null ? null : readable(rootCert));
  }

  /**
   * The pool's side. Under allow, prefer and require the server's certificate is not checked, as libpq does not
   * check it; verify-ca checks that the CA signed it, verify-full also that it names the host connected to.
   */
  void applyTo(PgConnectOptions options) {
    options.setSslMode(mode);
    if (mode == SslMode.DISABLE) {
      return;
    }
    var ssl = new ClientSSLOptions().setHostnameVerificationAlgorithm(mode == SslMode.VERIFY_FULL ? "HTTPS" : "");
    if (rootCert == null) {
      ssl.setTrustAll(true);
    } else {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(rootCert.toString()));
    }
    options.setSslOptions(ssl);
  }

  /** The query of a JDBC URL (or of a {@code postgresql://} URL) that asks the same. */
  String query() {
    var query = "sslmode=" + mode.value;
    return rootCert == null ? query : query + "&sslrootcert=" + PgUrl.enc(rootCert.toString());
  }

  private static SslMode mode(String value) {
    for (var mode : SslMode.values()) {
      if (mode.value.equals(value)) {
        return mode;
      }
    }
    throw new ConfigException("ORGPLANE_PG_URL's sslmode must be one of " + MODES + ", not '" + value + "'");
  }

  /** Checked at the start: else the start would go well, and then every connection of the pool fail. */
  private static Path readable(String file) {
    var path = Path.of(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException("ORGPLANE_PG_URL's sslrootcert " + file + " is not a readable file");
    }
    return path;
  }

  private static String decode(String s) {
    return PgUrl.decode(s, "query");
  }
}
