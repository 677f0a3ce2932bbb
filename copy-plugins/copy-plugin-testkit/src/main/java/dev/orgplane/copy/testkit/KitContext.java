package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.ProgressSink;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/** The {@link CopyContext} the kit runs plugins with. */
record KitContext(String jobId, String sourceOrganization, String targetOrganization, IdFunction ids, OrgApi org,
    WebClient http, Vertx vertx, JsonObject options, int pageSize, ProgressSink progress) implements CopyContext {
}
