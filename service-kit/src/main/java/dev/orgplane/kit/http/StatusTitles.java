package dev.orgplane.kit.http;

import io.netty.handler.codec.http.HttpResponseStatus;

final class StatusTitles {

  private StatusTitles() {
  }

  static String title(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }
}
