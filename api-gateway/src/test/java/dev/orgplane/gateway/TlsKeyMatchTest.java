package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A key signs what its own public key verifies and nothing another's does, for each kind of key a certificate may
 * hold: an Ed25519 pair was refused as no pair at first, its signature asked of RSA.
 */
class TlsKeyMatchTest {

  @ParameterizedTest
  @ValueSource(strings = {"EC", "RSA", "Ed25519", "Ed448"})
  void aKeyMatchesItsOwnPublicKeyAlone(String algorithm) throws NoSuchAlgorithmException {
    var pair = pair(algorithm);
    assertTrue(TlsKeyMatch.signs(pair.getPrivate(), pair.getPublic()));
    assertFalse(TlsKeyMatch.signs(pair.getPrivate(), pair(algorithm).getPublic()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"RSA", "Ed25519"})
  void anECKeyMatchesNoPublicKeyOfAnotherAlgorithm(String other) throws NoSuchAlgorithmException {
    assertFalse(TlsKeyMatch.signs(pair("EC").getPrivate(), pair(other).getPublic()));
  }

  private static KeyPair pair(String algorithm) throws NoSuchAlgorithmException {
    return KeyPairGenerator.getInstance(algorithm).generateKeyPair();
  }
}
