package dev.orgplane.kit.testing;

import dev.orgplane.kit.db.PgUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A race test's rival: another connection's transaction that has written (or locked) rows and not yet committed.
 * The test sends its request, lets it reach the rows the rival holds, then commits: what the request does after its
 * wait, at the same moment as the rival's change, made deterministic. Closing without a commit rolls back.
 */
public final class UncommittedTransaction implements AutoCloseable {

  /**
   * The request on a thread of its own: on two cores the common pool has one thread, which JDK 17 bypassed for async
   * tasks but later JDKs use, and a request could queue behind another blocking step of the test.
   */
  private static final Executor OWN_THREAD = task -> new Thread(task).start();

  private final PgUrl url;
  private final Connection connection;

  private UncommittedTransaction(PgUrl url, Connection connection) {
    this.url = url;
    this.connection = connection;
  }

  public static UncommittedTransaction begin(PgUrl url) throws SQLException {
    var connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    connection.setAutoCommit(false);
    return new UncommittedTransaction(url, connection);
  }

  /** Runs {@code sql} with {@code parameters} (strings; cast them in the SQL) in the transaction. */
  public UncommittedTransaction run(String sql, String... parameters) throws SQLException {
    try (var statement = connection.prepareStatement(sql)) {
      for (var i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      statement.execute();
    }
    return this;
  }

  /**
   * Sends {@code request}, commits once a statement waits for a lock (the request has reached the rows held here),
   * and answers what the request answered.
   */
  public <T> T commitOnceWaitedFor(Supplier<T> request) throws Exception {
    var answer = CompletableFuture.supplyAsync(request, OWN_THREAD);
    PgFixture.awaitLockWaits(url, 1);
    commit();
    return answer.get(10, TimeUnit.SECONDS);
  }

  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
