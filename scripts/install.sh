#!/usr/bin/env bash
# Installs ICMap from this folder as a systemd service with a nightly backup timer (Debian/Ubuntu).
# Run as root from an ICMap checkout:   sudo scripts/install.sh [--dir /opt/icmap] [--keep 14]
#   - copies the app to --dir (default /opt/icmap), owned by a system user `icmap`;
#   - runs `npm ci --omit=dev` there as that user (production packages; compiles dist/);
#   - writes /etc/icmap/icmap.env from .env.example if it does not exist (edit it, then restart);
#   - writes icmap.service, icmap-backup.service and icmap-backup.timer (02:30 every night, keeping
#     the newest --keep backups in /var/backups/icmap) and starts them.
# Run it again after `git pull` to upgrade: it backs up first, then installs and restarts.
# --root DIR writes every file under DIR and skips users, npm and systemctl (a dry run to inspect).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
app_dir=/opt/icmap
keep=14
root=
while [[ $# -gt 0 ]]; do
  case $1 in
    --dir) app_dir=${2:?--dir needs a folder}; shift 2 ;;
    --keep) keep=${2:?--keep needs a number}; shift 2 ;;
    --root) root=${2:?--root needs a folder}; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $keep =~ ^[1-9][0-9]*$ ]] || { echo "install.sh: --keep must be a whole number of at least 1" >&2; exit 2; }
[[ $app_dir == /* ]] || { echo "install.sh: --dir must be an absolute path" >&2; exit 2; }
real() { [[ -z $root ]]; }
if real && [[ $(id -u) -ne 0 ]]; then echo "install.sh: run as root (sudo)" >&2; exit 2; fi
if real; then
  node_bin=$(command -v node) || { echo "install.sh: install Node.js 22.12 or newer first" >&2; exit 1; }
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)' ||
    { echo "install.sh: Node.js $(node --version) is too old; ICMap needs 22.12 or newer" >&2; exit 1; }
else
  node_bin=/usr/bin/node
fi

env_file=$root/etc/icmap/icmap.env
units=$root/etc/systemd/system
backups=/var/backups/icmap
data_dir=/var/lib/icmap

if real; then
  id icmap >/dev/null 2>&1 || useradd --system --home-dir "$data_dir" --shell /usr/sbin/nologin icmap
  # An upgrade: a backup of the running install before anything changes.
  if systemctl is-active --quiet icmap.service 2>/dev/null; then systemctl start icmap-backup.service; fi
fi

mkdir -p "$root$app_dir" "$root$data_dir" "$root$backups" "$(dirname "$env_file")" "$units"
# The tracked files of this checkout (no node_modules, dist or databases).
(cd "$source_dir" && git ls-files -z 2>/dev/null || find . -type f -not -path './node_modules/*' -not -path './.git/*' -print0) |
  (cd "$source_dir" && xargs -0 tar -cf -) | tar -xf - -C "$root$app_dir"
if [[ ! -f $env_file ]]; then
  { cat "$source_dir/.env.example"; echo "DATABASE_PATH=$data_dir/icmap.sqlite"; echo "KEEP_BACKUPS=$keep"; } >"$env_file"
  chmod 640 "$env_file"
fi

cat >"$units/icmap.service" <<UNIT
[Unit]
Description=ICMap (Innovation Configuration maps)
After=network.target

[Service]
Type=simple
User=icmap
WorkingDirectory=$app_dir
EnvironmentFile=/etc/icmap/icmap.env
ExecStart=$node_bin --max-semi-space-size=8 dist/server/server.js
Restart=on-failure
TimeoutStopSec=20
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=$data_dir

[Install]
WantedBy=multi-user.target
UNIT

cat >"$units/icmap-backup.service" <<UNIT
[Unit]
Description=ICMap nightly backup (keeps the newest \$KEEP_BACKUPS)

[Service]
Type=oneshot
User=icmap
WorkingDirectory=$app_dir
EnvironmentFile=/etc/icmap/icmap.env
ExecStart=$app_dir/scripts/backup-rotate.sh $backups
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=$data_dir $backups
UNIT

cat >"$units/icmap-backup.timer" <<UNIT
[Unit]
Description=ICMap backup every night at 02:30

[Timer]
OnCalendar=*-*-* 02:30:00
Persistent=true
RandomizedDelaySec=10min

[Install]
WantedBy=timers.target
UNIT

if real; then
  chown -R icmap:icmap "$app_dir" "$data_dir" "$backups"
  chgrp icmap "$env_file"
  (cd "$app_dir" && runuser -u icmap -- npm ci --omit=dev --no-audit --no-fund)
  systemctl daemon-reload
  systemctl enable --now icmap-backup.timer
  systemctl enable icmap.service
  systemctl restart icmap.service
  echo "ICMap runs as icmap.service; settings in $env_file (then: systemctl restart icmap)."
  echo "First start: journalctl -u icmap | grep setup   shows the one-time setup link."
else
  echo "Wrote the app to $root$app_dir and the units to $units (dry run: no user, npm or systemctl)."
fi
