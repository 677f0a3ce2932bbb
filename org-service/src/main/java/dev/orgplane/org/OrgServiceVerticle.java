package dev.orgplane.org;

import dev.orgplane.kit.config.ServiceVerticle;
import io.vertx.core.json.JsonObject;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.auth.TrustedIssuer;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.ServiceStorage;
import dev.orgplane.kit.db.Migrations;
import dev.orgplane.kit.db.SessionTimeouts;
import dev.orgplane.kit.http.IdempotencyKeys;
import dev.orgplane.kit.http.Draining;
import dev.orgplane.kit.http.ServiceHttp;
import dev.orgplane.kit.http.ServiceListeners;
import dev.orgplane.org.access.EffectivePermissionRoutes;
import dev.orgplane.org.access.MembersOnlyErrors;
import dev.orgplane.org.audit.AuditRoutes;
import dev.orgplane.org.event.DeliveryRetention;
import dev.orgplane.org.event.DeliveryRoutes;
import dev.orgplane.org.event.HookDispatcher;
import dev.orgplane.org.event.HookSettings;
import dev.orgplane.org.event.ManualDeliveryRoutes;
import dev.orgplane.org.event.ProvisioningEventRoutes;
import dev.orgplane.org.event.ProvisioningReports;
import dev.orgplane.org.group.GroupRoutes;
import dev.orgplane.org.invitation.InvitationMails;
import dev.orgplane.org.invitation.InvitationRepository;
import dev.orgplane.org.invitation.InvitationRoutes;
import dev.orgplane.org.mail.MailOutbox;
import dev.orgplane.org.mail.MailSender;
import dev.orgplane.org.identity.ExternalSignIn;
import dev.orgplane.org.identity.IdentityRoutes;
import dev.orgplane.org.identity.PasswordHasher;
import dev.orgplane.org.identity.PasswordResetRoutes;
import dev.orgplane.org.identity.StoredRevocations;
import dev.orgplane.org.identity.AccountDeletionRoutes;
import dev.orgplane.org.identity.AccountMails;
import dev.orgplane.org.identity.AccountSecurityRoutes;
import dev.orgplane.org.identity.EmailChangeRoutes;
import dev.orgplane.org.identity.EmailVerificationRoutes;
import dev.orgplane.org.identity.RefreshTokens;
import dev.orgplane.org.identity.RevocationListRoutes;
import dev.orgplane.org.identity.SigningKeyStore;
import dev.orgplane.org.identity.SigningSchedule;
import dev.orgplane.org.identity.TokenIssuer;
import dev.orgplane.org.membership.MembershipRoutes;
import dev.orgplane.org.metaschema.MetaSchemaRoutes;
import dev.orgplane.org.metaschema.MetaSchemas;
import dev.orgplane.org.organization.OrganizationLookupRoutes;
import dev.orgplane.org.organization.OrganizationRoutes;
import dev.orgplane.org.provisioner.ProvisionerBootstrap;
import dev.orgplane.org.role.CatalogRoutes;
import dev.orgplane.org.role.CustomRoleRoutes;
import dev.orgplane.org.serviceuser.FederatedCredentialRoutes;
import dev.orgplane.org.serviceuser.RetiredCredentials;
import dev.orgplane.org.serviceuser.ServiceUserRoutes;
import dev.orgplane.org.setup.SetupRoutes;
import dev.orgplane.org.team.TeamRoutes;
import dev.orgplane.org.user.AdminBootstrap;
import dev.orgplane.org.user.GeneratedAdminPassword;
import dev.orgplane.org.user.UserRoutes;
import io.vertx.core.Future;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/** The org service: wires its features onto one router over one pool. */
public final class OrgServiceVerticle extends ServiceVerticle {

  public static final Migrations MIGRATIONS = new Migrations("org", "db/org");
  public static final String EVENT_LOOPS = "ORGPLANE_ORG_SERVICE_EVENT_LOOPS";

  /**
   * The instances to deploy ({@value #EVENT_LOOPS}), each with its own pool and background work, as separate
   * processes would have; what one instance revokes the others in the process refuse at once (TokenRevocations).
   */
  public static int eventLoops(Settings settings) {
    return settings.eventLoops(EVENT_LOOPS);
  }

  /**
   * Reads what of its configuration needs no database, each value in its range, else throws naming the setting: a
   * launcher checks it before it makes one (standalone's embedded server), so a mistake costs no initdb.
   */
  public static void checkSettings(Settings settings) {
    eventLoops(settings);
    SigningSchedule.from(settings, tokenLifetimeSeconds(settings));
    InvitationRoutes.ttlSeconds(settings);
    DeliveryRetention.days(settings);
    TokenRevocations.Schedule.from(settings);
    ServiceHttp.bodyLimitBytes(settings);
    SessionTimeouts.from(settings);
    PasswordHasher.queue(settings);
    MetaSchemas.queue(settings);
    PasswordHasher.cost(settings);
    Database.checkSettings(settings);
    refreshTokenTtlSeconds(settings);
    registrationEnabled(settings);
    HookSettings.from(settings);
    smtp(settings);
    ProvisionerBootstrap.engineClientId(settings);
    TrustedIssuer.checkExternal(trustedIssuers(settings), settings.string("ORGPLANE_PUBLIC_URL"));
  }

  private static long refreshTokenTtlSeconds(Settings settings) {
    return settings.longValue("ORGPLANE_REFRESH_TOKEN_TTL_SECONDS", 1, TrustedIssuer.LONGEST_TOKEN_TTL_SECONDS);
  }

  private static boolean registrationEnabled(Settings settings) {
    return settings.bool("ORGPLANE_REGISTRATION_ENABLED");
  }

  private static String trustedIssuers(Settings settings) {
    return settings.string("ORGPLANE_TRUSTED_ISSUERS", "");
  }

  /**
   * The mail server, null without {@code ORGPLANE_SMTP_HOST} (mails are logged): its port and STARTTLS are read either
   * way, so a value out of range stops the start before a host is configured, not first when one is.
   */
  private static MailConfig smtp(Settings settings) {
    var port = settings.integer("ORGPLANE_SMTP_PORT", 1, Settings.MAX_PORT);
    var startTls = settings.bool("ORGPLANE_SMTP_STARTTLS");
    return settings.has("ORGPLANE_SMTP_HOST") ? MailSender.smtpConfig(settings.string("ORGPLANE_SMTP_HOST"), port,
        settings.string("ORGPLANE_SMTP_USER", ""), settings.string("ORGPLANE_SMTP_PASSWORD", ""), startTls) : null;
  }

  private Settings settings;
  private Pool pool;
  private ServiceListeners server;
  private TokenRevocations revocations;
  private SigningKeyStore keys;
  /** The external issuers' tokens signing in (ORGPLANE_TRUSTED_ISSUERS); null without any. */
  private TokenVerifier externalTokens;
  /** The hourly purges of what expires (kept answers, invitations, mailed tokens ...), cancelled at stop. */
  private final List<Long> purgeTimers = new ArrayList<>();
  private HookDispatcher hooks;
  private MailSender mail;
  private Router router;

  private final GeneratedAdminPassword generatedAdminPassword;

  public OrgServiceVerticle(JsonObject commandLine) {
    super(commandLine);
    this.generatedAdminPassword = GeneratedAdminPassword.PRINTED;
  }

  /** With the configuration its launcher loaded already. */
  public OrgServiceVerticle(Settings loaded) {
    this(loaded, GeneratedAdminPassword.PRINTED);
  }

  /** {@code generatedAdminPassword}: where the password of a platform admin made at first start goes. */
  public OrgServiceVerticle(Settings loaded, GeneratedAdminPassword generatedAdminPassword) {
    super(loaded);
    this.generatedAdminPassword = generatedAdminPassword;
  }

  @Override
  public Future<?> start() {
    return configuration().compose(loaded -> ServiceStorage.open(vertx, loaded, MIGRATIONS))
        .compose(storage -> {
          settings = storage.settings();
          pool = storage.pool();
          keys = new SigningKeyStore(vertx, pool, SigningSchedule.from(settings, tokenLifetime()));
          return keys.start().compose(v -> PasswordHasher.configured(vertx, settings)).compose(hasher ->
              AdminBootstrap.ensureAdmin(vertx, pool, hasher, settings, generatedAdminPassword)
                  .compose(v -> ProvisionerBootstrap.ensureEngine(pool, settings))
                  .compose(v -> {
                    revocations = new TokenRevocations(vertx, () -> StoredRevocations.read(pool, tokenLifetime(),
                        revocationReadTimeoutMillis()), TokenRevocations.Schedule.from(settings));
                    return revocations.start();
                  })
                  .compose(v -> listen(hasher)));
        })
        // Vert.x cancels a failed deployment's timers, not its outboxes' gauges, which the process's registry
        // outlives it with (a launcher may try again): mail's, started before the hooks' dispatcher is made and
        // before the port is taken, each of which may fail
        .onFailure(failed -> stopOutboxes());
  }

  private Future<ServiceListeners> listen(PasswordHasher hasher) {
    var idempotency = new IdempotencyKeys(pool, MIGRATIONS.schema());
    var invitationTtl = InvitationRoutes.ttlSeconds(settings);
    purgeTimers.addAll(List.of(idempotency.expiredPurge().hourly(vertx),
        InvitationRepository.expiredPurge(pool, invitationTtl).hourly(vertx),
        InvitationMails.oldPurge(pool).hourly(vertx),
        AccountMails.oldPurge(pool).hourly(vertx),
        IdentityRoutes.purgeStaleSignInFailures(vertx, pool),
        PasswordResetRoutes.purgeExpired(vertx, pool),
        EmailVerificationRoutes.purgeExpired(vertx, pool),
        EmailChangeRoutes.purgeExpired(vertx, pool),
        RefreshTokens.purgeExpired(vertx, pool),
        ProvisioningReports.expiredPurge(pool).hourly(vertx),
        MailOutbox.donePurge(pool).hourly(vertx),
        StoredRevocations.purgeDeletedAccounts(vertx, pool, tokenLifetime())));
    RetiredCredentials.purges(pool, tokenLifetime()).forEach(purge -> purgeTimers.add(purge.hourly(vertx)));
    DeliveryRetention.purges(pool, DeliveryRetention.days(settings))
        .forEach(purge -> purgeTimers.add(purge.hourly(vertx)));
    var issuer = settings.string("ORGPLANE_PUBLIC_URL");
    var audience = settings.string("ORGPLANE_TOKEN_AUDIENCE");
    var tokens = new TokenIssuer(keys, issuer, audience, tokenLifetime());
    var verifier = new TokenVerifier(vertx, List.of(TrustedIssuer.platform(settings, keys)));
    var draining = new Draining(vertx, settings);
    router = ServiceHttp.router(vertx, "org-service", ServiceHttp.bodyLimitBytes(settings),
        draining.readiness(() -> pool.query("SELECT 1").execute().compose(db -> revocations.freshOrFail())));
    var verifications = new EmailVerificationRoutes(pool, issuer);
    var refreshTokens = new RefreshTokens(pool, refreshTokenTtlSeconds(settings));
    var externalIssuers = TrustedIssuer.external(vertx, trustedIssuers(settings), issuer);
    if (!externalIssuers.isEmpty()) {
      externalTokens = new TokenVerifier(vertx, externalIssuers);
      externalTokens.start();
    }
    new IdentityRoutes(pool, hasher, keys, tokens, registrationEnabled(settings), verifications,
        refreshTokens, new ExternalSignIn(pool, revocations, tokens, refreshTokens, externalTokens,
            externalIssuers)).mount(router);
    verifications.mountOpen(router);
    var emailChanges = new EmailChangeRoutes(pool, hasher, issuer);
    emailChanges.mountOpen(router);
    new PasswordResetRoutes(pool, hasher, revocations, issuer).mount(router);
    router.route("/v1/*").handler(new BearerAuth(verifier, revocations));
    idempotency.mount(router);
    new CatalogRoutes().mount(router);
    new AccountDeletionRoutes(pool, hasher, revocations).mount(router);
    new UserRoutes(pool).mount(router);
    new AccountSecurityRoutes(pool, hasher, tokens, revocations, refreshTokens).mount(router);
    verifications.mount(router);
    emailChanges.mount(router);
    new RevocationListRoutes(pool, tokenLifetime(), revocationReadTimeoutMillis()).mount(router);
    var metaSchemas = new MetaSchemas(vertx, pool, MetaSchemas.queue(settings));
    new OrganizationRoutes(pool, metaSchemas, revocations).mount(router);
    new OrganizationLookupRoutes(pool).mount(router);
    new MetaSchemaRoutes(pool, metaSchemas).mount(router);
    new MembershipRoutes(pool, revocations).mount(router);
    new EffectivePermissionRoutes(pool).mount(router);
    new AuditRoutes(pool).mount(router);
    new GroupRoutes(pool, tokens, revocations).mount(router);
    new CustomRoleRoutes(pool, revocations).mount(router);
    var hookSettings = HookSettings.from(settings);
    new SetupRoutes(pool, hookSettings.allowPrivateUrls(), hookSettings.perOrganization()).mount(router);
    new TeamRoutes(pool).mount(router);
    new DeliveryRoutes(pool, DeliveryRetention.days(settings)).mount(router);
    new ManualDeliveryRoutes(pool).mount(router);
    new ProvisioningEventRoutes(pool).mount(router);
    new ServiceUserRoutes(pool, revocations).mount(router);
    new FederatedCredentialRoutes(pool, revocations, externalIssuers).mount(router);
    new InvitationRoutes(pool, invitationTtl, issuer).mount(router);
    MembersOnlyErrors.install(router, pool);
    mail = new MailSender(vertx, pool, smtp(settings), settings.string("ORGPLANE_SMTP_FROM"), 8, 5_000);
    mail.start(hookSettings.pollMillis());
    hooks = new HookDispatcher(vertx, pool, hookSettings.maxAttempts(), hookSettings.retryBaseMillis(),
        hookSettings.disableAfterFailures(), hookSettings.allowPrivateUrls(), hookSettings.caFile());
    hooks.start(hookSettings.pollMillis());
    return ServiceListeners.open(vertx, router, settings.string("ORGPLANE_INTERNAL_HOST"),
            settings.listenPort("ORGPLANE_ORG_SERVICE_PORT"), settings.string("ORGPLANE_ORG_SERVICE_SOCKET", ""), draining)
        .onSuccess(s -> server = s);
  }

  private long tokenLifetime() {
    return tokenLifetimeSeconds(settings);
  }

  private long revocationReadTimeoutMillis() {
    return StoredRevocations.readTimeoutMillis(TokenRevocations.Schedule.from(settings));
  }

  /**
   * {@code ORGPLANE_TOKEN_TTL_SECONDS}, the access tokens' lifetime: a second to a year (0 or less signed tokens
   * that had expired when issued).
   */
  public static long tokenLifetimeSeconds(Settings settings) {
    return TrustedIssuer.tokenLifetimeSeconds(settings);
  }

  public int port() {
    return server.port();
  }

  /** The routes as mounted, for tests that check them against the OpenAPI document. */
  Router router() {
    return router;
  }

  private void stopOutboxes() {
    if (hooks != null) {
      hooks.stop();
    }
    if (mail != null) {
      mail.stop();
    }
  }

  @Override
  public Future<?> stop() {
    purgeTimers.forEach(vertx::cancelTimer);
    stopOutboxes();
    var drained = server == null ? Future.succeededFuture() : server.drain();
    // the requests answered through the notice and the drain are checked as any: against the signing keys and the
    // revocations read meanwhile (until session 29 both stopped before the notice, and a token revoked at another
    // instance was accepted here until the drain ended)
    return drained.andThen(done -> {
          if (keys != null) {
            keys.stop();
          }
          if (revocations != null) {
            revocations.stop();
          }
          if (externalTokens != null) {
            externalTokens.close();
          }
        })
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
