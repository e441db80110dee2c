"""A private DNS world for key.dns_resolver tests: re-enters itself in new
network and mount namespaces, brings up loopback, runs dnsmasq on
127.0.0.1:53 with test zone data and bind-mounts a resolv.conf naming it over
/etc/resolv.conf (glibc's resolver takes no port and no other file).
Nothing outside the namespaces is touched; all of it ends with the process."""
import fcntl, os, shutil, socket, struct, subprocess, sys, tempfile, time

SKIP = 77
TTL = 77          # every record's TTL (dnsmasq --local-ttl)
SLOW_PORT = 5399  # a UDP socket that never answers: "slow.test" goes there

ZONE = [
    '--host-record=one.test,10.0.0.1',
    '--host-record=six.test,fd00::6',
    '--host-record=dual.test,10.0.0.4,fd00::4',
    '--host-record=multi.test,10.0.0.11', '--host-record=multi.test,10.0.0.12',
    '--host-record=multi.test,fd00::11',
    '--cname=alias.test,one.test',
    '--srv-host=_afs3-vlserver._udp.cell.test,vl1.test,7003,1,1',
    '--srv-host=_afs3-vlserver._udp.cell.test,vl2.test,7005,2,1',
    '--srv-host=_afs3-vlserver._udp.onesrv.test,vl1.test,7003,1,1',
    '--host-record=vl1.test,10.1.0.1,fd01::1', '--host-record=vl2.test,10.1.0.2',
    # AFSDB (type 18): subtype 1, host vl1.test
    '--dns-rr=acell.test,18,0001' + '03766c31' + '0474657374' + '00',
    '--address=/nx.test/',
    '--local=/test/',
    '--server=/slow.test/127.0.0.1#%d' % SLOW_PORT,
]


def loopback_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifr = struct.pack('16sH', b'lo', 0)
    flags = struct.unpack('16sH', fcntl.ioctl(s, 0x8913, ifr))[1]  # SIOCGIFFLAGS
    fcntl.ioctl(s, 0x8914, struct.pack('16sH', b'lo', flags | 1))  # SIOCSIFFLAGS, IFF_UP
    s.close()


def enter_namespaces():
    """Re-runs this program in private namespaces; returns only inside them."""
    if os.environ.get('DNS_TEST_INSIDE') == '1':
        return
    unshare = shutil.which('unshare') or '/usr/bin/unshare'
    if not shutil.which('dnsmasq', path='/usr/sbin:/sbin:/usr/bin:' + os.environ.get('PATH', '')):
        print('SKIP: dnsmasq is not installed (package dnsmasq-base)')
        sys.exit(SKIP)
    env = dict(os.environ, DNS_TEST_INSIDE='1')
    for pre in ([unshare, '--net', '--mount'],
                [unshare, '--user', '--map-root-user', '--net', '--mount']):
        probe = subprocess.run(pre + ['true'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            sys.stdout.flush()
            os.execve(unshare, pre + [sys.executable] + sys.argv, env)
    print('SKIP: cannot create network and mount namespaces here (no privilege, no user namespaces)')
    sys.exit(SKIP)


class World:
    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix='dnstest.')
        self.dnsmasq = None
        self.blackhole = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            loopback_up()
            self.blackhole.bind(('127.0.0.1', SLOW_PORT))
            conf = os.path.join(self.dir, 'resolv.conf')
            with open(conf, 'w') as f:
                f.write('nameserver 127.0.0.1\noptions timeout:1 attempts:1\n')
            os.chmod(self.dir, 0o755)
            os.chmod(conf, 0o644)
            subprocess.run(['mount', '--bind', conf, '/etc/resolv.conf'], check=True)
            dnsmasq = shutil.which('dnsmasq', path='/usr/sbin:/sbin:/usr/bin')
            self.dnsmasq = subprocess.Popen(
                [dnsmasq, '--keep-in-foreground', '--no-resolv', '--no-hosts', '--user=root', '--group=',
                 '--pid-file=', '--listen-address=127.0.0.1', '--bind-interfaces', '--port=53',
                 '--local-ttl=%d' % TTL, '--log-facility=-'] + ZONE,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(100):
                if self.dnsmasq.poll() is not None:
                    raise RuntimeError('dnsmasq failed: ' + self.dnsmasq.stderr.read().decode())
                try:
                    socket.create_connection(('127.0.0.1', 53), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self.dnsmasq:
            self.dnsmasq.terminate()
            self.dnsmasq.wait()
        self.blackhole.close()
        subprocess.run(['umount', '/etc/resolv.conf'], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def run_on_tty(argv):
    """Runs argv with stdout and stderr on one pseudo-terminal (the program
    writes to syslog otherwise); returns (exit code, text)."""
    import pty
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    out = b''
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait()
    os.close(master)
    return p.returncode, out.decode(errors='replace').replace('\r\n', '\n')
