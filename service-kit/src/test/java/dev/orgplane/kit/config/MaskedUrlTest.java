package dev.orgplane.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MaskedUrlTest {

  @Test
  void aPasswordIsMaskedAndTheRestShownAsGiven() {
    for (var given : new String[][] {
        {"postgresql://app:s3cret@db:5432/x", "postgresql://app:***@db:5432/x"},
        {"http://admin:s3cret@gateway:8080/ x", "http://admin:***@gateway:8080/ x"},
        {"app:s3cret@db:5432/x", "app:***@db:5432/x"},
        {"http://app:s3c@ret@db/x", "http://app:***@db/x"},
        {"http://app@db:5432/x", "http://app@db:5432/x"},
        {"http://db:5432/x", "http://db:5432/x"},
        {"garbage", "garbage"}}) {
      assertEquals(given[1], MaskedUrl.of(given[0]), given[0]);
    }
  }
}
