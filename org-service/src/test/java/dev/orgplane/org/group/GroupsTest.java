package dev.orgplane.org.group;

import dev.orgplane.org.OrgServiceTest;
import org.junit.jupiter.api.BeforeAll;

/** A test class of organization groups: the service, its calls for groups, and a platform admin's token. */
abstract class GroupsTest extends OrgServiceTest {

  protected GroupCalls calls;
  protected String platformAdmin;

  @BeforeAll
  void groupCalls() {
    calls = GroupCalls.of(org);
    platformAdmin = calls.platformAdmin();
  }
}
