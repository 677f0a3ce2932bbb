package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApiException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class RetriesTest {

  private static DatabaseException database(String sqlState) {
    return new DatabaseException("failed", 0, sqlState) {
    };
  }

  @Test
  void failuresOfTheConnectionPass() {
    for (var passing : new Throwable[] {new ConnectException("refused"), new HttpClosedException("closed"),
        new NoStackTraceTimeoutException("slow"), ClosedConnectionException.INSTANCE, database("08006"),
        database("57P01"), new OrgApiException(503, "unavailable", "down", null)}) {
      assertTrue(Retries.transientFailure(passing), passing.toString());
    }
  }

  @Test
  void aFailureGivenAsAMessageOrARefusalDoesNot() {
    for (var lasting : new Throwable[] {Future.failedFuture("no").cause(), new CopyFailure("bad", "bad", null),
        new IllegalStateException("bug"), database("23505"), new OrgApiException(422, "invalid", "no", null)}) {
      assertFalse(Retries.transientFailure(lasting), lasting.toString());
    }
  }
}
