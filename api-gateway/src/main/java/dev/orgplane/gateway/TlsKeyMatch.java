package dev.orgplane.gateway;

import dev.orgplane.kit.config.ConfigException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.impl.KeyStoreHelper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;

/**
 * The check at start that the TLS private key is the certificate's own. Vert.x took a key of the certificate's
 * algorithm but of another pair, said the gateway was up, and failed every handshake (a client read a bad signature),
 * logging nothing; one of another algorithm it refused when the door listened, after a launcher had made its database.
 */
final class TlsKeyMatch {

  private static final String CERT = "ORGPLANE_TLS_CERT_FILE";
  private static final String KEY = "ORGPLANE_TLS_KEY_FILE";
  private static final byte[] SIGNED = "orgplane".getBytes(StandardCharsets.US_ASCII);

  private TlsKeyMatch() {
  }

  /** Throws naming both settings unless the key at {@code keyFile} signs what the certificate's public key verifies. */
  static void require(String certFile, String keyFile) {
    PrivateKey key;
    PublicKey certified;
    try {
      // read as the server reads them (PKCS#8, PKCS#1 RSA or SEC1 EC keys), so no file it takes is refused here
      var store = KeyStoreHelper.loadKeyCert(List.of(read(keyFile)), List.of(read(certFile)));
      var alias = store.aliases().nextElement();
      key = (PrivateKey) store.getKey(alias, KeyStoreHelper.DUMMY_PASSWORD.toCharArray());
      certified = store.getCertificate(alias).getPublicKey();
    } catch (Exception unreadable) {
      throw new ConfigException(CERT + " (" + certFile + ") and " + KEY + " (" + keyFile + ") are not a PEM "
          + "certificate chain and its private key: " + unreadable.getMessage());
    }
    if (!signs(key, certified)) {
      throw new ConfigException(KEY + " (" + keyFile + ") is not the private key of the certificate in " + CERT + " ("
          + certFile + "): every TLS handshake would fail");
    }
  }

  private static Buffer read(String file) throws IOException {
    return Buffer.buffer(Files.readAllBytes(Path.of(file)));
  }

  /**
   * Whether {@code key} signs what {@code certified} verifies. A key of another algorithm than the certificate's signs
   * nothing it verifies either; one of a kind this check cannot sign with is left to the handshake (true), rather than
   * a usable pair refused.
   */
  static boolean signs(PrivateKey key, PublicKey certified) {
    var algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      // EdDSA, Ed25519 and Ed448 keys name their signatures themselves
      default -> key.getAlgorithm();
    };
    try {
      var signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(SIGNED);
      var signature = signer.sign();
      var verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(SIGNED);
      return verifier.verify(signature);
    } catch (NoSuchAlgorithmException unknownKind) {
      return true;
    } catch (GeneralSecurityException otherAlgorithm) {
      return false;
    }
  }
}
