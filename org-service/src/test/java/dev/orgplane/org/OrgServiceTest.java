package dev.orgplane.org;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** An HTTP test class of the org service: one running service on a fresh database per class. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class OrgServiceTest {

  protected OrgServiceHarness org;
  protected Vertx vertx;

  @BeforeAll
  void startOrgService(Vertx vertx) {
    this.vertx = vertx;
    org = OrgServiceHarness.start(vertx);
  }
}
