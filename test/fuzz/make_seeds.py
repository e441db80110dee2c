#!/usr/bin/python3
"""Writes the binary seeds of the fuzz corpora (watch records, DNS answers):
test/fuzz/make_seeds.py test/fuzz/corpus.  The text seeds are written by
hand."""
import os
import struct
import sys

out = sys.argv[1]


def write(what, name, data):
    with open(os.path.join(out, what, name), 'wb') as f:
        f.write(data)


# watch_queue records: u32 type:24 | subtype:8 (little-endian bitfield),
# u32 info (length in bytes | watch id << 8), then the payload.
def watch(type_, subtype, wid, payload):
    length = 8 + len(payload)
    return struct.pack('<II', type_ | subtype << 24, length | wid << 8) + payload


key_linked = watch(1, 2, 1, struct.pack('<II', 0x1234, 0x5678))
removal = watch(0, 0, 1, struct.pack('<Q', 0xabcdef))
write('watch-records', 'key-linked', key_linked)
write('watch-records', 'removal-with-id', removal)
write('watch-records', 'loss', watch(0, 1, 3, b''))
write('watch-records', 'sequence', key_linked + watch(1, 5, 1, struct.pack('<II', 7, 0)) + removal)
write('watch-records', 'truncated', key_linked[:12])


# DNS messages as res_nquery returns them.
def name(n):
    return b''.join(bytes([len(p)]) + p.encode() for p in n.split('.') if p) + b'\0'


def message(qname, qtype, answers):
    head = struct.pack('>HHHHHH', 0x1234, 0x8180, 1, len(answers), 0, 0)
    body = name(qname) + struct.pack('>HH', qtype, 1)
    for rtype, ttl, rdata in answers:
        # The owner name compressed to the question's (offset 12).
        body += struct.pack('>HHHIH', 0xc00c, rtype, 1, ttl, len(rdata)) + rdata
    return head + body


srv = lambda prio, weight, port, target: struct.pack('>HHH', prio, weight, port) + name(target)
afsdb = lambda subtype, host: struct.pack('>H', subtype) + name(host)
cell = '_afs3-vlserver._udp.example.org'
write('dns-answer', 'srv-two', message(cell, 33, [(33, 300, srv(10, 5, 7003, 'vl1.example.org')),
                                                  (33, 60, srv(20, 5, 7003, 'vl2.example.org'))]))
write('dns-answer', 'afsdb-one', message('example.org', 18, [(18, 3600, afsdb(1, 'afs.example.org'))]))
write('dns-answer', 'mixed-types', message(cell, 33, [(1, 30, bytes([192, 0, 2, 1])),
                                                      (33, 30, srv(0, 0, 1, 'a.b'))]))
write('dns-answer', 'no-answers', message(cell, 33, []))
write('dns-answer', 'compressed-target',
      message(cell, 33, [(33, 10, struct.pack('>HHH', 1, 1, 7003) + b'\x03vl1\xc0\x0c')]))
