"""Raw HTTP exchanges for the size tests: a socket has none of a client's limits."""
import socket


def exchange(port, request):
    """Sends the bytes request to 127.0.0.1:port; returns all the server answered (bytes)
    until it closed the connection, b"" when it answered nothing."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(request)
    except OSError:
        pass  # the server may answer and close before it has read everything
    data = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
    except OSError:
        pass
    s.close()
    return data
