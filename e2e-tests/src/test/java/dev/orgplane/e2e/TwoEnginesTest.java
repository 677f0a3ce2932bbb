package dev.orgplane.e2e;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The platform with two provisioning engines, a group, its admin and a template: where provisioning tests start. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoEnginesTest {

  /** The platform's one database, for what no API shows. */
  protected PgUrl database;
  protected Platform platform;
  protected Gateway gateway;
  protected GroupTemplate template;

  @BeforeAll
  void startPlatform() {
    database = PgFixture.freshDatabase();
    platform = Platform.start(database, 2);
    gateway = new Gateway(platform.baseUrl());
    template = GroupTemplate.build(gateway, platform, 4);
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }
}
