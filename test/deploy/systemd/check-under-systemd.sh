#!/bin/bash
# Checks deploy/install.sh and deploy/sidecar.service under a real systemd: PID 1 of a systemd-nspawn container
# (Debian bookworm, systemd 252), offline (loopback only; the dev hub runs inside the guest). It installs the
# committed HEAD, then checks: install and start, the unprivileged user, reports reaching the hub, restart after
# kill -9, reload (SIGHUP), a reboot of the guest, an upgrade re-install, a clean stop, and no seccomp kills.
# One PASS/FAIL line per check, then a summary; exit 0 only if all pass.
#
# Not part of `npm test` (it needs root, debootstrap and systemd-nspawn, and takes 4 to 6 minutes, plus about
# 5 the first time to debootstrap the base image). Run as root on a Debian 12 host:
#
#   test/deploy/systemd/check-under-systemd.sh
#   WORK=/var/tmp/sidecar-check REPO=/path/to/checkout test/deploy/systemd/check-under-systemd.sh
set -uo pipefail
REPO=${REPO:-$(cd "$(dirname "$0")/../../.." && pwd)}
VM=${WORK:-/tmp/sidecar-systemd-check}
RUN=$VM/run
ROOT=$RUN/rootfs
CACHE=$VM/cache
# The Debian mirror this host's apt already uses.
MIRROR=${MIRROR:-$(grep -hoE '^(URIs: |deb )[^ ]+' /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -1)}
TOKEN=testtoken
T_START=$(date +%s)
pass=0; fail=0
say()  { echo "[$(date +%T)] $*"; }
PASS() { echo "PASS  $*"; pass=$((pass+1)); }
FAIL() { echo "FAIL  $*"; fail=$((fail+1)); }
check() { local name=$1; shift; if "$@"; then PASS "$name"; else FAIL "$name"; fi; }

[ "$(id -u)" -eq 0 ] || { echo "run as root"; exit 2; }
[ -n "$MIRROR" ] || { echo "no Debian mirror found in /etc/apt; set MIRROR"; exit 2; }
mkdir -p "$VM" "$CACHE"

# ---------- host tools ----------
if ! command -v debootstrap >/dev/null || ! command -v systemd-nspawn >/dev/null; then
  say "installing debootstrap systemd-container"
  timeout 300 apt-get update -qq && timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap systemd-container >/dev/null || exit 2
fi

# ---------- base image (cached): minbase bookworm + systemd + the host's node/npm; udev kept aside as a .deb ----------
if [ ! -f "$CACHE/base.tar" ]; then
  say "debootstrap bookworm (first run only)"
  rm -rf "$CACHE/base"
  timeout 900 debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,procps,ca-certificates,iproute2,passwd,login,util-linux \
    bookworm "$CACHE/base" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 || { echo "debootstrap failed, see $CACHE/debootstrap.log"; exit 2; }
  (cd "$CACHE" && timeout 120 apt-get download udev >/dev/null 2>&1) || { echo "apt-get download udev failed"; exit 2; }
  echo vmguest > "$CACHE/base/etc/hostname"; echo "127.0.1.1 vmguest" >> "$CACHE/base/etc/hosts"
  : > "$CACHE/base/etc/machine-id"; chroot "$CACHE/base" passwd -d root >/dev/null
  tar -C "$CACHE/base" -cf "$CACHE/base.tar" . && rm -rf "$CACHE/base"
fi

# ---------- fresh guest ----------
pkill_guest() { local p; p=$(pgrep -f "systemd-nspawn -b -D $ROOT" | head -1); [ -n "$p" ] && kill "$p"; }
[ -f "$RUN/boot.pid" ] && kill "$(cat "$RUN/boot.pid")" 2>/dev/null; pkill_guest; sleep 1
rm -rf "$RUN"; mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$CACHE/base.tar"
cp "$CACHE"/udev_*.deb "$ROOT/root/"
node_bin=$(command -v node); npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
install -m755 "$node_bin" "$ROOT/usr/local/bin/node"
mkdir -p "$ROOT/usr/local/lib/node_modules"; cp -a "$npm_dir" "$ROOT/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/local/bin/npm"

# the checkout, built on the host (npm registry reachable here), with its npm cache for the offline guest
say "clone $REPO (HEAD $(git -C "$REPO" rev-parse --short HEAD)) and npm ci on the host"
git clone -q "$REPO" "$RUN/src" || exit 2
(cd "$RUN/src" && timeout 600 npm ci --cache "$RUN/npm-cache" --no-audit --no-fund --loglevel=error >"$RUN/npm-ci.log" 2>&1) ||
  { echo "npm ci failed: $RUN/npm-ci.log"; exit 2; }
cp -a "$RUN/src" "$ROOT/root/src"; cp -a "$RUN/npm-cache" "$ROOT/root/.npm"; rm -rf "$ROOT/root/.npm/_logs"

# dev hub in the guest, its own unit (test harness, not part of the project's deployment)
cat > "$ROOT/etc/systemd/system/devhub.service" <<EOF
[Unit]
Description=sidecar dev hub (test harness)
Before=sidecar.service
[Service]
ExecStart=/usr/local/bin/node /root/src/dist/cli.js hub --port 4000 --token $TOKEN
Restart=always
RestartSec=1
[Install]
WantedBy=multi-user.target
EOF
chroot "$ROOT" systemctl enable devhub.service >/dev/null 2>&1

# ---------- boot loop: a reboot inside makes nspawn exit 133, then it boots again ----------
cat > "$RUN/boot.sh" <<EOF
#!/bin/bash
while :; do
  echo "\$(date -Is) boot" >> $RUN/boots.log
  timeout 3600 systemd-nspawn -b -D $ROOT --register=no --keep-unit --private-network -M vmguest --console=read-only >> $RUN/console.log 2>&1
  rc=\$?; echo "\$(date -Is) nspawn exited rc=\$rc" >> $RUN/boots.log
  [ \$rc -eq 133 ] || break
done
EOF
chmod +x "$RUN/boot.sh"
guest_pid() { local n; n=$(pgrep -f "^systemd-nspawn -b -D $ROOT" | head -1); [ -n "$n" ] && pgrep -P "$n" | head -1; }
g() { local p; p=$(guest_pid); [ -n "$p" ] || return 99
      timeout "${GT:-60}" nsenter -t "$p" -a env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
wait_booted() { local i; for i in $(seq 90); do
    case "$(g systemctl is-system-running 2>/dev/null)" in running|degraded) return 0;; esac; sleep 1; done; return 1; }
wait_for() { local secs=$1; shift; local i; for i in $(seq "$secs"); do "$@" && return 0; sleep 1; done; return 1; }
setsid "$RUN/boot.sh" </dev/null >/dev/null 2>&1 & echo $! > "$RUN/boot.pid"
wait_booted || { echo "guest did not boot; see $RUN/console.log"; exit 2; }
say "guest booted (systemd $(g systemctl --version | head -1 | awk '{print $2}') as PID 1, $(g ip -br addr | tr -s ' ' | tr '\n' ';'))"
KMSG0=$(dmesg | grep -c 'type=1326')

sc()       { g systemctl "$@"; }
active()   { [ "$(sc is-active sidecar)" = active ]; }
mainpid()  { sc show -p MainPID --value sidecar; }
hubsince() { g journalctl -u devhub -o short-iso --no-pager --since "$1"; }
hub_identified_since() { hubsince "$1" | grep -q 'Sidecar identified'; }
hub_report_since()     { hubsince "$1" | grep -q 'vmguest  cpu'; }
export ROOT; export -f g guest_pid sc active mainpid hubsince
stable_active() { active && sleep 8 && active && [ "$(sc show -p NRestarts --value sidecar)" = "${1:-0}" ]; }

# ---------- (a) install.sh, offline guest ----------
say "(a) install.sh in the guest, offline, npm cache pre-populated (npm_config_offline=true)"
GT=300 g bash -c 'cd /root/src && npm_config_offline=true deploy/install.sh' > "$RUN/install.log" 2>&1; rc=$?
check "(a) install.sh exits 0 (rc=$rc)" [ $rc -eq 0 ]
check "(a) unit installed and enabled (WantedBy=multi-user.target)" [ "$(sc is-enabled sidecar)" = enabled ]
check "(a) first install waits for the hub settings before starting" grep -q 'Set HUB_URL and SIDECAR_TOKEN' "$RUN/install.log"
g bash -c "sed -i 's|^HUB_URL=.*|HUB_URL=ws://127.0.0.1:4000/ws|; s|^SIDECAR_TOKEN=.*|SIDECAR_TOKEN=$TOKEN|' /etc/sidecar/sidecar.env
           sed -i 's/\"interval_ms\": 30000/\"interval_ms\": 5000/' /etc/sidecar/plugins.json"   # config, not the unit
if ! chroot "$ROOT" getent group render >/dev/null; then
  sc start sidecar; sleep 3
  if g journalctl -u sidecar -b --no-pager | grep -q 'status=216/GROUP'; then
    FAIL "(a) service starts on a host without a 'render' group (no udev): 216/GROUP - $(g journalctl -u sidecar -b -o cat --no-pager | grep -m1 'supplementary groups')"
  else PASS "(a) service starts on a host without a 'render' group"; fi
  g bash -c 'dpkg -i /root/udev_*.deb' >/dev/null 2>&1   # a normal Debian host has udev, whose postinst creates 'render'
  check "(setup) udev installed in the guest, group render: $(g getent group render)" g getent group render
fi
sc reset-failed sidecar 2>/dev/null; sc restart sidecar; sleep 8
if stable_active 0; then PASS "(a) service active as shipped"
else
  FAIL "(a) service active as shipped: $(g journalctl -u sidecar -b --no-pager -o cat | grep -E 'status=' | tail -1)"
  dmesg | grep 'type=1326' | tail -n +$((KMSG0+1)) | tail -1 | sed 's/^/      kernel: /'
fi
KMSG1=$KMSG0   # (h) counts every seccomp kill since the guest booted

# ---------- (b) unprivileged, reports to the hub ----------
user=$(g ps -o user= -p "$(mainpid)" 2>/dev/null | tr -d ' ')
check "(b) runs as user sidecar (ps: ${user:-none})" [ "$user" = sidecar ]
g ps -o user,group,supgrp,pid,cmd -p "$(mainpid)" 2>/dev/null | sed 's/^/      /'
check "(b) hub received identify"        wait_for 15 hub_identified_since -5min
check "(b) hub received resource_report" wait_for 15 hub_report_since -5min
check "(b) 'sidecar status' answers 0"   g node /opt/sidecar/dist/cli.js status --status-file /run/sidecar/status.json
check "(b) ... also for another user"   g runuser -u nobody -- node /opt/sidecar/dist/cli.js status --status-file /run/sidecar/status.json

# ---------- (c) SIGKILL -> Restart=on-failure ----------
p1=$(mainpid); t=$(g date '+%Y-%m-%d %H:%M:%S'); n0=$(sc show -p NRestarts --value sidecar)
sc kill -s KILL sidecar; sleep 1
check "(c) after kill -9: comes back (RestartSec=10s)" wait_for 20 bash -c "active && [ \$(mainpid) != $p1 ]"
say "    MainPID $p1 -> $(mainpid), NRestarts $n0 -> $(sc show -p NRestarts --value sidecar)"
check "(c) hub sees it identify again" wait_for 15 hub_identified_since "$t"

# ---------- (e) reload = SIGHUP ----------
p1=$(mainpid); t=$(g date '+%Y-%m-%d %H:%M:%S')
g sed -i 's/"interval_ms": 5000/"interval_ms": 4000/' /etc/sidecar/plugins.json
sc reload sidecar; rc=$?; sleep 6
check "(e) systemctl reload rc=0, same MainPID, still active" bash -c "[ $rc -eq 0 ] && [ $p1 = $(mainpid) ] && [ $(sc is-active sidecar) = active ]"
check "(e) journal: configuration reloaded" bash -c "g journalctl -u sidecar --since '$t' -o cat --no-pager | grep -q 'Configuration reloaded'"

# ---------- (d) reboot ----------
boot0=$(g cat /proc/sys/kernel/random/boot_id)
say "(d) systemctl reboot inside the guest"
g systemctl reboot
wait_for 60 bash -c "b=\$(g cat /proc/sys/kernel/random/boot_id 2>/dev/null); [ -n \"\$b\" ] && [ \"\$b\" != $boot0 ]"
wait_booted
check "(d) guest rebooted (new boot id; boots.log: $(grep -c 'rc=133' "$RUN/boots.log") reboot(s))" [ "$(g cat /proc/sys/kernel/random/boot_id)" != "$boot0" ]
check "(d) sidecar active after reboot" wait_for 20 active
check "(d) hub (fresh after reboot) got identify + report" wait_for 30 bash -c "g journalctl -u devhub -b -o cat --no-pager | grep -q 'Sidecar identified' && g journalctl -u devhub -b -o cat --no-pager | grep -q 'vmguest  cpu'"
b0=$(g journalctl -b -o short-unix --no-pager | head -1 | cut -d' ' -f1)
r0=$(g journalctl -u devhub -b -o short-unix --no-pager | grep -m1 'vmguest  cpu' | cut -d' ' -f1)
i0=$(g journalctl -u devhub -b -o short-unix --no-pager | grep -m1 'Sidecar identified' | cut -d' ' -f1)
say "    boot -> identified: $(awk -v a="$i0" -v b="$b0" 'BEGIN{printf "%.1f", a-b}') s; boot -> first report: $(awk -v a="$r0" -v b="$b0" 'BEGIN{printf "%.1f", a-b}') s (initial_delay_ms 5000)"
check "(d) previous boot: sidecar stopped cleanly at shutdown" bash -c "g journalctl -b -1 -u sidecar -o cat --no-pager | grep -q 'Deactivated successfully'"

# ---------- (g) upgrade: install.sh again restarts the service and checks that it stays up ----------
p1=$(mainpid)
GT=300 g bash -c 'cd /root/src && npm_config_offline=true deploy/install.sh' > "$RUN/reinstall.log" 2>&1; rc=$?
check "(g) re-running install.sh: rc=$rc, 'installed and running', new MainPID" bash -c "[ $rc -eq 0 ] && grep -q 'installed and running' '$RUN/reinstall.log' && [ \$(mainpid) != $p1 ]"
check "(g) ... and sidecar.env kept" g grep -q "SIDECAR_TOKEN=$TOKEN" /etc/sidecar/sidecar.env

# ---------- (f) stop ----------
sc stop sidecar
res=$(sc show -p Result --value sidecar); st=$(sc show -p ExecMainStatus --value sidecar)
check "(f) systemctl stop: Result=$res ExecMainStatus=$st, inactive (not failed)" bash -c "[ $res = success ] && [ $st = 0 ] && [ $(sc is-active sidecar) = inactive ]"
sc status sidecar --no-pager 2>&1 | sed -n '1,8p' | sed 's/^/      /'

# ---------- hardening side effects ----------
kills=$(dmesg | grep 'type=1326' | tail -n +$((KMSG1+1)) | grep -c 'sig=31')
check "(h) no seccomp kills (SIGSYS) ($kills)" [ "$kills" -eq 0 ]
check "(h) no sidecar journal errors (priority err)" bash -c "! g journalctl -b -u sidecar -p err --no-pager -q | grep -q ."
echo "      systemd-analyze security: $(g systemd-analyze security sidecar --no-pager 2>/dev/null | tail -1)"

# ---------- end ----------
g systemctl poweroff >/dev/null 2>&1; wait_for 30 bash -c "! pgrep -f 'systemd-nspawn -b -D $ROOT' >/dev/null"
echo "SUMMARY: $pass passed, $fail failed in $(( $(date +%s) - T_START )) s (logs: $RUN/install.log, $RUN/console.log, $RUN/boots.log)"
[ $fail -eq 0 ]
