"""A small SMTP server for the fault tests: accepts every message after a delay (a slow
provider) and records who each one went to, so a test counts real deliveries."""

import socketserver
import threading
import time
from collections import Counter


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        server = self.server
        self.reply("220 fake provider")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 fake")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>").lower())
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                time.sleep(server.delay)
                with server.lock:
                    server.delivered.update(recipients)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class FakeProvider(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay=0.05):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay = delay
        self.lock = threading.Lock()
        self.delivered = Counter()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server_address[1]

    def close(self):
        self.shutdown()
        self.server_close()
