package dev.orgplane.kit.db;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.MaskedUrl;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a PostgreSQL database is and how to reach it, parsed once from a
 * {@code postgresql://user:password@host:port/db?sslmode=...&sslrootcert=...} URL, and rendered for the two clients
 * we use: the reactive pool and JDBC (Flyway).
 */
public record PgUrl(String host, int port, String database, String user, String password, PgTls tls) {

  private static final String USER_OR_PASSWORD = "user or password";

  /** Encrypted as libpq does by default: {@link PgTls#PREFER}. */
  public PgUrl(String host, int port, String database, String user, String password) {
    this(host, port, database, user, password, PgTls.PREFER);
  }

  public static PgUrl parse(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      // URI's message quotes the input, password and all: a start's one line may end up in any log
      throw new ConfigException("ORGPLANE_PG_URL is not a URL (percent-encode special characters of the user, the "
          + "password and the parameters)");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new ConfigException("ORGPLANE_PG_URL must start with postgresql://, got '" + MaskedUrl.of(url.trim())
          + "'");
    }
    if (uri.getHost() == null) {
      throw new ConfigException("ORGPLANE_PG_URL names no host");
    }
    var user = "postgres";
    var password = "";
    if (uri.getRawUserInfo() != null) {
      var parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0], USER_OR_PASSWORD);
      password = parts.length > 1 ? decode(parts[1], USER_OR_PASSWORD) : "";
    }
    var path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    return new PgUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
        path.isEmpty() ? "postgres" : path, user, password, PgTls.parse(uri.getRawQuery()));
  }

  public PgUrl withDatabase(String otherDatabase) {
    return new PgUrl(host, port, otherDatabase, user, password, tls);
  }

  /** With a query ({@code ?sslmode=...}), to which a caller adds its parameters after a {@code &}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?" + tls.query();
  }

  /**
   * How the services connect. JIT compilation is off for their sessions: their statements are short, and
   * on a server built with LLVM a statement with a large cost estimate (a list planned per call, say, whose
   * unused branch is estimated over the whole table) spent 570 ms compiling to run in 0.5 ms. Random reads are
   * costed as on SSDs (random_page_cost 1.1, PostgreSQL's default of 4 is for spinning disks): at 4 the planner read a
   * rollout's page (V47) through a bitmap and sorted every copy after the cursor, 17 ms a page where walking the index
   * takes 0.3. Sessions are in UTC whatever the server's zone: timestamps PostgreSQL writes into JSON itself are the
   * API's, and it promises UTC.
   */
  public PgConnectOptions connectOptions() {
    var options = new PgConnectOptions().setHost(host).setPort(port).setDatabase(database)
        .setUser(user).setPassword(password).setPipeliningLimit(256).setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlFilter(sql -> sql.length() < SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT
            && !sql.startsWith(Database.PLANNED_PER_CALL));
    options.addProperty("jit", "off");
    options.addProperty("random_page_cost", "1.1");
    options.addProperty("TimeZone", "UTC");
    tls.applyTo(options);
    return options;
  }

  /** The URL without its password, for logs and error messages. */
  public String redacted() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "postgresql://" + enc(user) + ":" + enc(password) + "@" + host + ":" + port + "/" + database
        + (tls.equals(PgTls.PREFER) ? "" : "?" + tls.query());
  }

  /**
   * Percent-decoding as in any URL (RFC 3986): a {@code +} is itself, as PostgreSQL's clients read it. URLDecoder is
   * for HTML forms, where it is a space, so it is given the {@code +} escaped.
   */
  static String decode(String s, String part) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // its message quotes the characters, a password's among them
      throw new ConfigException("ORGPLANE_PG_URL's " + part + " is not valid percent-encoding");
    }
  }

  /** Percent-encoding that {@link #decode} and PostgreSQL's clients read back: a space is {@code %20}, not a form's +. */
  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
