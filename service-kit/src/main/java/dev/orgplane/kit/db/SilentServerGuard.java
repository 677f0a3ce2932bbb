package dev.orgplane.kit.db;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.net.NetClientOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a pooled connection whose requests PostgreSQL has stopped answering. When the network to the server goes
 * silent (packets dropped, no reset: a firewall, a dead host, a partitioned pod) the socket stays open and a statement
 * waits for TCP to give up, about 15 minutes for bytes never acknowledged and hours for a request that was, holding
 * its pool slot; enough of them and every request queues. Vert.x's SQL client has no deadline of its own, TCP's user
 * timeout works on the native transports only and not for a request already acknowledged, and an idle timeout on the
 * socket would also end connections resting in the pool or in an idle transaction. So this counts what was asked
 * (Query and Sync each get one ReadyForQuery) against what was answered, and while something is unanswered, closes
 * the connection once nothing has arrived for the silence limit ({@link SessionTimeouts#silenceMillis}): its
 * statements fail, and the pool opens a new connection for the next ones. A row stream its reader paused would count
 * as silence too; the services read none. A connection still starting (its startup message or its authentication
 * unanswered) is bounded alike by Vert.x's read idle timeout, which this guard replaces once the connection has
 * started.
 */
final class SilentServerGuard extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SilentServerGuard.class);

  private final long silenceNanos;
  private final String pool;
  private final ProtocolMessages asked = new ProtocolMessages("QS");
  private final ProtocolMessages answered = new ProtocolMessages("Z");
  private int unanswered;
  private long heardAt;
  private ScheduledFuture<?> check;

  private SilentServerGuard(long silenceMillis, String pool) {
    this.silenceNanos = TimeUnit.MILLISECONDS.toNanos(silenceMillis);
    this.pool = pool;
  }

  /**
   * Bounds the silence of the connections {@code builder}'s pool opens: {@code silenceMillis} while each starts (Vert.x's
   * read idle timeout: a connection opened into a silent network otherwise held its slot, the pool's waiters giving up
   * after 30 s each and the next ones waiting on it again), and as long for each answer once started.
   */
  static ClientBuilder<Pool> applyTo(ClientBuilder<Pool> builder, long silenceMillis, String pool) {
    return builder
        .with(new NetClientOptions().setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, silenceMillis))
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
        .withConnectHandler(connection -> watch(connection, silenceMillis, pool));
  }

  /**
   * Watches a connection the pool just started instead of the read idle timeout, which would also end it while it
   * rests in the pool, then hands it to the pool ({@code withConnectHandler} wants it closed). Placed where the
   * PostgreSQL protocol is in clear: after TLS, when the connection has it.
   */
  private static void watch(SqlConnection connection, long silenceMillis, String pool) {
    try {
      var socket = ((SocketConnectionBase) ((SqlConnectionInternal) connection).unwrap().unwrap()).socket();
      var pipeline = socket.channelHandlerContext().pipeline();
      pipeline.remove(IdleStateHandler.class);
      var guard = new SilentServerGuard(silenceMillis, pool);
      var tls = pipeline.context(SslHandler.class);
      if (tls == null) {
        pipeline.addFirst(guard);
      } else {
        pipeline.addAfter(tls.name(), null, guard);
      }
    } finally {
      connection.close();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof ByteBuf buffer) {
      var questions = asked.count(buffer);
      if (questions > 0 && unanswered == 0) {
        heardAt = System.nanoTime();
        // one check per silence period at most, not one scheduled and cancelled per statement: the check that finds
        // everything answered ends, and the next question schedules it again
        if (check == null) {
          check = ctx.executor().schedule(() -> check(ctx), silenceNanos, TimeUnit.NANOSECONDS);
        }
      }
      unanswered += questions;
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buffer) {
      heardAt = System.nanoTime();
      unanswered = Math.max(0, unanswered - answered.count(buffer));
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelCheck();
    super.channelInactive(ctx);
  }

  private void check(ChannelHandlerContext ctx) {
    if (unanswered == 0 || !ctx.channel().isActive()) {
      check = null;
      return;
    }
    var quiet = System.nanoTime() - heardAt;
    if (quiet < silenceNanos) {
      check = ctx.executor().schedule(() -> check(ctx), silenceNanos - quiet, TimeUnit.NANOSECONDS);
      return;
    }
    LOG.warn("closing a connection of pool {} to {}: PostgreSQL sent nothing for {} ms while {} of its requests "
        + "waited for an answer (the network or the server went silent); they fail, and new ones get a new connection",
        pool, ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(quiet), unanswered);
    check = null;
    ctx.close();
  }

  private void cancelCheck() {
    if (check != null) {
      check.cancel(false);
      check = null;
    }
  }
}
