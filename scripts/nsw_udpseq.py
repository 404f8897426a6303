#!/usr/bin/env python3
"""nsw_udpseq - a UDP stream with sequence numbers, to measure what a change in the network
(a VM moving between hosts) costs the traffic riding on it.

  nsw_udpseq.py send IP PORT PPS SECONDS     one datagram every 1/PPS s, on an absolute
                                             schedule; payload: sequence number, send time
  nsw_udpseq.py recv PORT SECONDS LOG        writes "seq recv_ns" per datagram to LOG
  nsw_udpseq.py report LOG SENT              one JSON line: sent, received, lost, duplicates,
                                             out_of_order, interruption_ms (the longest
                                             silence between two datagrams received)

Used by the multi-host tests and benchmark; owns nothing but its socket and LOG.
"""
import json
import socket
import struct
import sys
import time

FMT = "!QQ"  # sequence number, CLOCK_MONOTONIC send time in ns


def send(ip, port, pps, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    gap = 1e9 / pps
    start = time.monotonic_ns()
    n = int(pps * secs)
    for seq in range(n):
        due = start + seq * gap
        while True:
            now = time.monotonic_ns()
            if now >= due:
                break
            time.sleep(min((due - now) / 1e9, 0.0005))
        try:
            s.sendto(struct.pack(FMT, seq, now) + b"\0" * 48, (ip, port))
        except OSError:
            pass  # no route or neighbour yet: the datagram is lost, which is what we measure
    print(n)


def recv(port, secs, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.2)
    end = time.monotonic() + secs
    with open(log, "w") as f:
        while time.monotonic() < end:
            try:
                data = s.recv(2048)
            except socket.timeout:
                continue
            if len(data) >= 16:
                seq, _ = struct.unpack(FMT, data[:16])
                f.write("%d %d\n" % (seq, time.monotonic_ns()))


def report(log, sent):
    seqs, times = [], []
    with open(log) as f:
        for line in f:
            a, b = line.split()
            seqs.append(int(a))
            times.append(int(b))
    uniq = set(seqs)
    ooo = sum(1 for i in range(1, len(seqs)) if seqs[i] < seqs[i - 1])
    gap = max((times[i] - times[i - 1] for i in range(1, len(times))), default=0)
    print(json.dumps({"sent": sent, "received": len(uniq), "lost": sent - len(uniq),
                      "duplicates": len(seqs) - len(uniq), "out_of_order": ooo,
                      "interruption_ms": round(gap / 1e6, 3)}))


def main(argv):
    try:
        if argv[1] == "send" and len(argv) == 6:
            return send(argv[2], int(argv[3]), float(argv[4]), float(argv[5]))
        if argv[1] == "recv" and len(argv) == 5:
            return recv(int(argv[2]), float(argv[3]), argv[4])
        if argv[1] == "report" and len(argv) == 4:
            return report(argv[2], int(argv[3]))
    except (IndexError, ValueError) as e:
        sys.exit("nsw_udpseq: %s" % e)
    sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv)
