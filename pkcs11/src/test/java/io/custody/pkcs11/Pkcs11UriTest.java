package io.custody.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 7512 key URIs: what is taken, what is refused and why. */
class Pkcs11UriTest {
  @Test
  void namesTokenAndObject() {
    Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=cam;object=device");
    assertThat(uri.token()).isEqualTo("cam");
    assertThat(uri.object()).isEqualTo("device");
    assertThat(uri).isEqualTo(Pkcs11Uri.of("cam", "device"));
    assertThat(Pkcs11Uri.parse("PKCS11:object=device;type=private;token=cam")).isEqualTo(uri);
    assertThat(uri.toString()).isEqualTo("pkcs11:token=cam;object=device");
  }

  @Test
  void percentEncodingRoundTrips() {
    Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=Force%20A%3B%C3%A9;object=cam%2F7");
    assertThat(uri.token()).isEqualTo("Force A;é");
    assertThat(uri.object()).isEqualTo("cam/7");
    assertThat(Pkcs11Uri.parse(uri.toString())).isEqualTo(uri);
    assertThat(uri.toString()).isEqualTo("pkcs11:token=Force%20A%3B%C3%A9;object=cam%2F7");
  }

  @Test
  void refusesWhatItDoesNotTake() {
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=cam;object=d;pin-value=1234"))
        .hasMessageContaining("never taken from a URI").hasMessageNotContaining("1234");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=cam;object=d?pin-value=1234"))
        .hasMessageContaining("--pin-file");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=cam")).hasMessageContaining("names both");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=cam;object=a;object=b")).hasMessageContaining("twice");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=cam;object=a;id=%01")).hasMessageContaining("\"id\"");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=cam;object=a;type=secret-key")).hasMessageContaining("type");
    assertThatThrownBy(() -> Pkcs11Uri.parse("pkcs11:token=c%4;object=a")).hasMessageContaining("two hex digits");
    assertThatThrownBy(() -> Pkcs11Uri.parse("file:/keys/device.key")).hasMessageContaining("not a PKCS#11 URI");
    assertThat(Pkcs11Uri.isPkcs11("pkcs11:token=a;object=b")).isTrue();
    assertThat(Pkcs11Uri.isPkcs11("keys/device.key")).isFalse();
  }
}
