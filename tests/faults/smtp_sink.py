"""A minimal SMTP server for the mail fault test, run as its own process:
``python -m tests.faults.smtp_sink PORT DIR`` keeps every message it accepts as a file in DIR."""

import socketserver
import sys
import uuid
from pathlib import Path


class Session(socketserver.StreamRequestHandler):
    folder: Path

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data)
                (self.folder / f"{uuid.uuid4()}.eml").write_bytes(b"".join(body))
                self.reply("250 OK queued")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")


if __name__ == "__main__":
    Session.folder = Path(sys.argv[2])
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[1])), Session) as server:
        server.serve_forever()
