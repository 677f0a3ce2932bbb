package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.gateway.ClientAddress.ProxyHeader;
import dev.orgplane.kit.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests come from 127.0.0.1 here; whether that peer is a trusted proxy decides whose address counts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientAddressTest {

  private Vertx vertx;
  private int port;
  private final ArrayBlockingQueue<String> seen = new ArrayBlockingQueue<>(1);
  private volatile ClientAddress clients;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    port = vertx.createHttpServer().requestHandler(request -> {
      seen.add(clients.of(request));
      request.response().end();
    }).listen(0, "127.0.0.1").await().actualPort();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
  }

  /** The address {@code trusted} makes of a request from 127.0.0.1 carrying these X-Forwarded-For headers. */
  private String clientOf(String trusted, String... forwardedFor) throws InterruptedException {
    clients = ClientAddress.trusting(trusted, "");
    var http = vertx.createHttpClient(new HttpClientOptions());
    var request = http.request(new RequestOptions().setPort(port).setHost("127.0.0.1").setURI("/")).await();
    Arrays.stream(forwardedFor).forEach(value -> request.headers().add("X-Forwarded-For", value));
    request.send().await();
    http.close().await();
    return seen.poll(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|''|127.0.0.1",
      "''|203.0.113.7|127.0.0.1",
      "10.0.0.0/8|203.0.113.7|127.0.0.1",
      "127.0.0.1|''|127.0.0.1",
      "127.0.0.1|203.0.113.7|203.0.113.7",
      "127.0.0.0/8|198.51.100.1, 203.0.113.7|203.0.113.7",
      "127.0.0.0/8, 10.0.0.0/8|203.0.113.7, 10.1.2.3|203.0.113.7",
      "127.0.0.0/8, 10.0.0.0/8|10.9.9.9, 10.1.2.3|10.9.9.9",
      "127.0.0.1|not-an-address, 203.0.113.7|203.0.113.7",
      "127.0.0.1, 10.0.0.0/8|203.0.113.7, garbage, 10.1.2.3|10.1.2.3",
      "127.0.0.1|203.0.113.7:4711|203.0.113.7",
      "127.0.0.1|[2001:db8::7]:443|2001:db8::7",
      "127.0.0.1|2001:db8::7|2001:db8::7",
  })
  void theClientIsTheNearestAddressThatIsNotATrustedProxy(String trusted, String forwardedFor, String client)
      throws InterruptedException {
    var headers = forwardedFor.isEmpty() ? new String[0] : new String[] {forwardedFor};
    assertEquals(client, clientOf(trusted, headers));
  }

  @Test
  void everyForwardedForHeaderCountsInOrder() throws InterruptedException {
    assertEquals("203.0.113.7", clientOf("127.0.0.1, 10.0.0.0/8", "198.51.100.1", "203.0.113.7, 10.1.2.3"));
  }

  /**
   * What the fast reads' door and the router's ask alike: behind a trusted proxy, the client and the chain from it to
   * the peer that the services hear; from any other peer, nothing of what the request says.
   */
  @Test
  void whatTrustedProxiesVouchForIsTheClientAndTheChainFromItToThePeer() {
    var proxies = ClientAddress.trusting("127.0.0.1, 10.0.0.0/8", "host");
    assertEquals(new ClientAddress.Vouched("203.0.113.7", "203.0.113.7, 10.1.2.3, 127.0.0.1", Set.of(ProxyHeader.HOST)),
        proxies.vouchedFor("127.0.0.1", List.of("198.51.100.1, 203.0.113.7", "10.1.2.3")));
    assertEquals(new ClientAddress.Vouched("127.0.0.1", "127.0.0.1", Set.of(ProxyHeader.HOST)),
        proxies.vouchedFor("127.0.0.1", List.of()));
    assertNull(proxies.vouchedFor("192.0.2.1", List.of("203.0.113.7")), "a peer that is no trusted proxy");
    assertNull(ClientAddress.trusting("", "").vouchedFor("127.0.0.1", List.of("203.0.113.7")), "no proxy trusted");
  }

  /**
   * A trusted proxy's X-Forwarded-Proto (its lines apart by {@code /} here): its last value over all the header's
   * lines, else the hop's own; from a request no trusted proxy vouches for, the hop's own.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|http",
      "https|https",
      "http, https|https",
      "ftp / http, https|https",
      "https / http|http",
      "https,|http",
  })
  void aTrustedProxysLastWordOnTheSchemeIsPassedOn(String lines, String passed) {
    var said = lines.isEmpty() ? List.<String>of() : List.of(lines.split(" / "));
    var vouched = new ClientAddress.Vouched("203.0.113.7", "203.0.113.7, 127.0.0.1", Set.of(ProxyHeader.PROTO));
    assertEquals(passed, ClientAddress.reported(vouched, header -> said, ProxyHeader.PROTO, "http"));
    assertEquals("http", ClientAddress.reported(null, header -> said, ProxyHeader.PROTO, "http"), "not vouched");
  }

  /**
   * A proxy that only appends to X-Forwarded-For passes its client's X-Forwarded-Proto and -Host on as they came: of
   * them, the gateway believes only those the setting names, and tells its own of the others.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|http|gateway.example",
      "none|http|gateway.example",
      "' None '|http|gateway.example",
      "proto|https|gateway.example",
      "host|http|app.example",
      "proto,host|https|app.example",
      "HOST, proto,|https|app.example",
  })
  void onlyTheSchemeAndHostTheTrustedProxiesSetAreBelieved(String proxyHeaders, String proto, String host) {
    var vouched = ClientAddress.trusting("127.0.0.1", proxyHeaders).vouchedFor("127.0.0.1", List.of("203.0.113.7"));
    var said = Map.of("X-Forwarded-Proto", List.of("https"), "X-Forwarded-Host", List.of("app.example"));
    assertEquals(proto, ClientAddress.reported(vouched, said::get, ProxyHeader.PROTO, "http"));
    assertEquals(host, ClientAddress.reported(vouched, said::get, ProxyHeader.HOST, "gateway.example"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"scheme", "proto host", "none, host", "x-forwarded-host", "all"})
  void proxyHeadersThatAreNeitherProtoNorHostStopTheStart(String proxyHeaders) {
    var refused = assertThrows(ConfigException.class, () -> ClientAddress.trusting("127.0.0.1", proxyHeaders));
    assertTrue(refused.getMessage().startsWith(ClientAddress.HEADERS_SETTING + ": '"), refused.getMessage());
  }

  /** Only a trusted proxy's X-Forwarded-Proto and -Host are believed: named without one, they were ignored unsaid. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"''|proto", "''|host", "' , '|proto, host"})
  void proxyHeadersNamedWithNoTrustedProxyStopTheStartNamingBoth(String proxies, String proxyHeaders) {
    var refused = assertThrows(ConfigException.class, () -> ClientAddress.trusting(proxies, proxyHeaders));
    assertTrue(refused.getMessage().startsWith(ClientAddress.HEADERS_SETTING + " is '" + proxyHeaders + "' but "
        + ClientAddress.SETTING + " names no proxy"), refused.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "none", " None "})
  void noProxyHeadersNeedNoTrustedProxy(String proxyHeaders) {
    assertFalse(ClientAddress.trusting("", proxyHeaders).trustsProxies());
  }

  @ParameterizedTest
  @ValueSource(strings = {"proxy.example", "10.0.0.0/33", "10.0.0.0/", "2001:db8::/129", "10.0.0/8", "10.0.0.1/-1"})
  void whatIsNeitherAnAddressNorACidrBlockStopsTheStart(String entry) {
    var refused = assertThrows(ConfigException.class, () -> ClientAddress.trusting("127.0.0.1, " + entry, ""));
    assertTrue(refused.getMessage().contains(entry), refused.getMessage());
  }
}
