package dev.orgplane.org;

import org.junit.jupiter.api.BeforeAll;

/**
 * An HTTP test class with, besides {@code org}, an org service ({@code trusting}) that trusts an external identity
 * provider ({@code provider}).
 */
public abstract class TrustingOrgServiceTest extends OrgServiceTest {

  protected TrustedProvider provider;
  protected OrgServiceHarness trusting;

  @BeforeAll
  void startAProviderAndAServiceTrustingIt() {
    provider = TrustedProvider.start(vertx);
    trusting = provider.trustingService();
  }
}
