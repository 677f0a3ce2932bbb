package dev.orgplane.org;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An HTTP test class of the org service whose mail goes over SMTP to a real in-process server (GreenMail): one
 * running service on a fresh database per class, its mail outbox polled every 100 ms.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class MailedOrgServiceTest {

  protected final GreenMail smtp = new GreenMail(ServerSetup.SMTP.dynamicPort());
  protected OrgServiceHarness org;
  protected PgUrl db;

  @BeforeAll
  void startWithMail(Vertx vertx) {
    smtp.start();
    db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    org = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_SMTP_HOST", "127.0.0.1")
        .put("ORGPLANE_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort())).put("ORGPLANE_HOOK_POLL_MILLIS", "100"));
  }

  @AfterAll
  void stopMail() {
    smtp.stop();
  }
}
