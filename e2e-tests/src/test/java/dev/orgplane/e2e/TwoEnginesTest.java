package dev.orgplane.e2e;

import dev.orgplane.kit.db.PgUrl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform with two provisioning engines, a group, its admin and a template: where provisioning tests start. The
 * platform is the one the classes of this JVM share ({@link SharedPlatforms}), the group and template this class's
 * own, so its tests provision, roll out and count the template's tenants as on a platform of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatforms.class)
abstract class TwoEnginesTest {

  /** The platform's one database, for what no API shows. */
  protected PgUrl database;
  protected Platform platform;
  protected Gateway gateway;
  protected GroupTemplate template;

  @BeforeAll
  void startPlatform(SharedPlatforms.Platforms platforms) {
    platform = platform(platforms);
    database = platform.database();
    gateway = new Gateway(platform.baseUrl());
    template = GroupTemplate.build(gateway, platform, 4);
  }

  /** The shared one: a class whose tests stop or restart a service starts one of its own, and stops it. */
  Platform platform(SharedPlatforms.Platforms platforms) {
    return platforms.withTwoEngines();
  }
}
