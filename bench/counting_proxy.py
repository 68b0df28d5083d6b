"""A TCP forwarder that counts the bytes a server sends, for bench/slow_link.py.

    python bench/counting_proxy.py TARGET_PORT

prints the port it listens on, then answers each line read on stdin with the count so far.
A process of its own: inside the benchmark's, it would wait on the browser driver's thread
and slow every byte."""

from __future__ import annotations

import asyncio
import sys
import threading

sent = 0


async def pipe(reader, writer, counted: bool) -> None:
    global sent
    try:
        while data := await reader.read(65536):
            if counted:
                sent += len(data)
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def serve(target: int) -> None:
    async def handle(reader, writer) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        await asyncio.gather(pipe(reader, server_writer, False), pipe(server_reader, writer, True))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def answer() -> None:
    for _ in sys.stdin:
        print(sent, flush=True)


if __name__ == "__main__":
    threading.Thread(target=answer, daemon=True).start()
    asyncio.run(serve(int(sys.argv[1])))
