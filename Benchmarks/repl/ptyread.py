"""Reading a REPL on a pseudo-terminal until a marker shows (shared by the REPL benchmarks)."""
import os, select, time


def read_until(fd, marker, start, deadline=20.0):
    """Seconds from `start` (time.monotonic()) until `marker` was read from `fd`."""
    buf = b""
    while marker not in buf:
        if time.monotonic() - start > deadline:
            raise TimeoutError(buf[-300:])
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
    return time.monotonic() - start
