"""HTTPS deliveries connect to the checked address but keep the host name for TLS: SNI
carries the name and the certificate is checked against it, not against the address."""

from __future__ import annotations

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from plaza.webhooks import net


def certificate_for(name: str, tmp_path) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


def test_https_keeps_the_host_name_for_sni_and_the_certificate(tmp_path, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    cert, key = certificate_for("localhost", tmp_path)
    seen: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            seen["host"] = self.headers["Host"]
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server_context.sni_callback = lambda sock, name, ctx: seen.__setitem__("sni", name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    client_context = ssl.create_default_context(cafile=cert)
    try:
        target = net.resolve(f"https://localhost:{port}/hook")
        pinned = net.Target(target.scheme, target.host, target.port, target.path, "127.0.0.1")
        answer = net.post(pinned, b"{}", {}, context=client_context)
        assert answer.status == 204
        assert seen["sni"] == "localhost" and seen["host"] == f"localhost:{port}"
        # The same address under a name the certificate does not hold is refused by TLS.
        by_address = net.Target("https", "127.0.0.1", port, "/hook", "127.0.0.1")
        try:
            net.post(by_address, b"{}", {}, context=client_context)
        except ssl.SSLCertVerificationError:
            pass
        else:
            raise AssertionError("the certificate was not checked against the host name")
    finally:
        server.shutdown()
        server.server_close()
