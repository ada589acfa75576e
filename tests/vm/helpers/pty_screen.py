#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run a full-screen program in a pseudo-terminal of a given size, as a
terminal over ssh would, and read its screen.

    pty_screen.py ROWS COLS WAIT KEYS SECONDS SCREEN -- CMD [ARG...]

CMD runs with TERM=xterm on a ROWS x COLS terminal.  Once its screen
shows the text WAIT (within SECONDS) and the frame that showed it is
complete (no output for 0.3 s), the screen is written to the file
SCREEN, one line a row, and KEYS are typed ("q", or "^C" for Ctrl-C).
Then prints "status N" (CMD's exit status, or "status timeout" if it did
not end within SECONDS), "found yes|no" (whether WAIT was seen), and
"restored yes|no": whether the terminal is back in its cooked mode (echo
and line editing on) and out of the alternate screen, as CMD found it.
Exits 0 once that is all printed.

The screen is a small emulator of what curses sends an xterm: cursor
addressing, erasing, insert and delete, scrolling regions, REP; colours
and modes are ignored.
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


class Screen:
    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.cells = [[" "] * cols for _ in range(rows)]
        self.y = self.x = 0
        self.top, self.bottom = 0, rows - 1
        self.saved = (0, 0)
        self.last = " "
        self.alt = False
        self.state = "text"
        self.seq = ""

    def text(self):
        return "\n".join("".join(r).rstrip() for r in self.cells)

    def scroll_up(self, n=1):
        for _ in range(n):
            del self.cells[self.top]
            self.cells.insert(self.bottom, [" "] * self.cols)

    def scroll_down(self, n=1):
        for _ in range(n):
            del self.cells[self.bottom]
            self.cells.insert(self.top, [" "] * self.cols)

    def linefeed(self):
        if self.y == self.bottom:
            self.scroll_up()
        elif self.y < self.rows - 1:
            self.y += 1

    def put(self, ch):
        if self.x >= self.cols:  # pending wrap (auto margins)
            self.x = 0
            self.linefeed()
        self.cells[self.y][self.x] = ch
        self.x += 1
        self.last = ch

    def clamp(self):
        self.y = max(0, min(self.rows - 1, self.y))
        self.x = max(0, min(self.cols - 1, self.x))

    def csi(self, seq):
        final, body = seq[-1], seq[:-1]
        private = body.startswith("?")
        parts = [p for p in body.lstrip("?>=").split(";")]
        nums = [int(p) if p.isdigit() else 0 for p in parts]
        n = nums[0] if nums and nums[0] else 1
        if private:
            if final in "hl" and any(p in (1049, 47, 1047) for p in nums):
                self.alt = final == "h"
            return
        if final in "Hf":
            self.y = (nums[0] if nums and nums[0] else 1) - 1
            self.x = (nums[1] if len(nums) > 1 and nums[1] else 1) - 1
        elif final == "A":
            self.y -= n
        elif final == "B":
            self.y += n
        elif final == "C":
            self.x += n
        elif final == "D":
            self.x = min(self.x, self.cols - 1) - n
        elif final == "G":
            self.x = n - 1
        elif final == "d":
            self.y = n - 1
        elif final == "J":
            mode = nums[0] if nums else 0
            rows = {0: range(self.y + 1, self.rows), 1: range(0, self.y),
                    2: range(self.rows)}.get(mode, [])
            for r in rows:
                self.cells[r] = [" "] * self.cols
            if mode in (0, 1):
                self.csi("%dK" % mode)
        elif final == "K":
            mode = nums[0] if nums else 0
            x = min(self.x, self.cols)
            span = {0: range(x, self.cols), 1: range(0, x + 1),
                    2: range(self.cols)}.get(mode, [])
            for c in span:
                if c < self.cols:
                    self.cells[self.y][c] = " "
        elif final == "X":
            for c in range(self.x, min(self.cols, self.x + n)):
                self.cells[self.y][c] = " "
        elif final == "P":
            row = self.cells[self.y]
            del row[self.x:self.x + n]
            row.extend([" "] * (self.cols - len(row)))
        elif final == "@":
            row = self.cells[self.y]
            row[self.x:self.x] = [" "] * n
            del row[self.cols:]
        elif final in "LM":
            if self.top <= self.y <= self.bottom:
                top = self.top
                self.top = self.y
                (self.scroll_down if final == "L" else self.scroll_up)(n)
                self.top = top
        elif final == "S":
            self.scroll_up(n)
        elif final == "T":
            self.scroll_down(n)
        elif final == "b":
            for _ in range(n):
                self.put(self.last)
            return
        elif final == "r":
            self.top = (nums[0] if nums and nums[0] else 1) - 1
            self.bottom = (nums[1] if len(nums) > 1 and nums[1] else self.rows) - 1
            self.y = self.x = 0
        else:
            return  # m (colours), h/l, t, n: nothing on the screen
        self.clamp()

    def feed(self, data):
        for ch in data:
            if self.state == "text":
                if ch == "\x1b":
                    self.state, self.seq = "esc", ""
                elif ch == "\r":
                    self.x = 0
                elif ch in "\n\x0b\x0c":
                    self.linefeed()
                elif ch == "\b":
                    self.x = max(0, min(self.x, self.cols - 1) - 1)
                elif ch == "\t":
                    self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
                elif ch >= " " and ch != "\x7f":
                    self.put(ch)
            elif self.state == "esc":
                if ch == "[":
                    self.state = "csi"
                elif ch == "]":
                    self.state = "osc"
                elif ch in "()*+":
                    self.state = "charset"
                else:
                    self.state = "text"
                    if ch == "7":
                        self.saved = (self.y, self.x)
                    elif ch == "8":
                        self.y, self.x = self.saved
                    elif ch == "M":
                        if self.y == self.top:
                            self.scroll_down()
                        else:
                            self.y = max(0, self.y - 1)
                    elif ch in "DE":
                        self.linefeed()
                        if ch == "E":
                            self.x = 0
            elif self.state == "csi":
                self.seq += ch
                if "@" <= ch <= "~":
                    self.csi(self.seq)
                    self.state = "text"
            elif self.state == "osc":
                if ch == "\x07" or ch == "\x1b":
                    self.state = "text"
            else:  # charset designation: one more character
                self.state = "text"


def main():
    args = sys.argv[1:]
    if len(args) < 8 or args[6] != "--":
        sys.exit(__doc__)
    rows, cols, wait, keys, seconds, out = int(args[0]), int(args[1]), \
        args[2], args[3], float(args[4]), args[5]
    cmd = args[7:]
    keys = keys.replace("^C", "\x03").encode()

    pid, fd = pty.fork()
    if pid == 0:
        # the size before the program starts, as sshd sets it
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.environ["TERM"] = "xterm"
        os.execvp(cmd[0], cmd)
    cooked = termios.tcgetattr(fd)
    screen = Screen(rows, cols)
    decoder = __import__("codecs").getincrementaldecoder("utf-8")("replace")
    found = False
    typed = False
    end = time.monotonic() + seconds
    # until CMD has ended and closed the terminal (EOF), or time is up
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the last holder of the terminal is gone
                data = b""
            if not data:
                break
            screen.feed(decoder.decode(data))
        # WAIT may show before the rest of its frame has been read (a
        # frame can come in several reads): the screen is taken once the
        # program has then been quiet for 0.3 s, between two frames
        if not found and wait in screen.text():
            quiet = False
            while not quiet and time.monotonic() < end:
                quiet = not select.select([fd], [], [], 0.3)[0]
                if not quiet:
                    try:
                        more = os.read(fd, 65536)
                    except OSError:
                        more = b""
                    if not more:
                        break
                    screen.feed(decoder.decode(more))
            found = True
            with open(out, "w") as f:
                f.write(screen.text() + "\n")
        if found and not typed:
            os.write(fd, keys)
            typed = True
            end = time.monotonic() + seconds
    status = None
    while status is None and time.monotonic() < end + 1:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(st)
        else:
            time.sleep(0.05)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not found:
        with open(out, "w") as f:
            f.write(screen.text() + "\n")
    mode = termios.tcgetattr(fd)
    lflag = termios.ECHO | termios.ICANON
    restored = (mode[3] & lflag) == (cooked[3] & lflag) == lflag and not screen.alt
    print("status", "timeout" if status is None else status)
    print("found", "yes" if found else "no")
    print("restored", "yes" if restored else "no")


if __name__ == "__main__":
    main()
