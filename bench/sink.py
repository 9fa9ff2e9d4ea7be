"""A minimal SMTP sink in its own process for the benchmarks: it speaks enough SMTP for smtplib
(EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; it offers PIPELINING, as Postfix does, and reads
pipelined commands in order), accepts every message and keeps nothing, so
that the benchmark measures Relay rather than the sink. (The tests use aiosmtpd.) With a log
file, it writes one JSON line per message: when it arrived and the headers a reply needs.

    python -m bench.sink PORT [LOG]
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from email.parser import BytesHeaderParser
from typing import IO

LOG: IO[str] | None = None
HEADERS = ("To", "Reply-To", "Message-ID", "References", "Subject", "From", "Date")


class SinkProtocol(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""
        self.in_data = False
        transport.write(b"220 bench sink ready\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                if LOG is not None:
                    headers = BytesHeaderParser().parsebytes(self.buffer[2:end].split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
                    record = {"t": time.time(), **{h: str(headers.get(h, "")) for h in HEADERS}}
                    LOG.write(json.dumps(record) + "\n")
                    LOG.flush()
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                self.transport.write(b"250 2.0.0 accepted\r\n")
                continue
            line, sep, rest = self.buffer.partition(b"\r\n")
            if not sep:
                return
            self.buffer = rest
            self._command(line.split(b" ", 1)[0].upper())

    def _command(self, verb: bytes) -> None:
        if verb == b"EHLO":
            self.transport.write(b"250-bench\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE 10485760\r\n")
        elif verb == b"DATA":
            self.in_data = True
            self.buffer = b"\r\n" + self.buffer  # the terminator search expects a leading CRLF
            self.transport.write(b"354 end with .\r\n")
        elif verb == b"QUIT":
            self.transport.write(b"221 bye\r\n")
            self.transport.close()
        else:  # HELO, MAIL, RCPT, RSET, NOOP
            self.transport.write(b"250 OK\r\n")


async def main(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(SinkProtocol, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) > 2:
        LOG = open(sys.argv[2], "a", encoding="utf-8")  # noqa: SIM115 (open for the life of the process)
    asyncio.run(main(int(sys.argv[1])))
