#!/usr/bin/env bash
# A real, minimal all-in-one OpenStack (Debian bookworm's Zed packages) on
# this machine, for soberana's integration tests of the openstack driver:
#
#   Keystone · Placement · Nova (compute_driver = fake: no VMs, but the API,
#   scheduler, Placement allocations, quotas, AZs and lifecycle are real) ·
#   neutron-server (API only, no agents: Nova calls it even for servers with
#   no network; the router plugin loaded so routers and floating IPs are
#   real API objects) · Glance (file store).
#
# Two fake compute hosts, each in its own availability zone (AZ_1, AZ_2), so
# that geo-redundancy is exercised for real. SCS flavors and a tiny image
# are created. Reuses the MariaDB and RabbitMQ of the machine (starts them,
# or installs them from Debian's packages, when absent).
#
# Writes $OUT_DIR/openstack-clouds.yaml (cloud $CLOUD_NAME, admin) and
# $OUT_DIR/openstack.env (SOBERANA_TEST_OPENSTACK_CLOUDS, _CLOUD, AZs, image,
# network) that the tests read. Idempotent: when the cloud already answers it
# exits in a few seconds. Prints timings (INSTALL_SECONDS, SETUP_SECONDS).
#
#   scripts/openstack-aio.sh            install if needed, configure, start
#   scripts/openstack-aio.sh --force    reconfigure even if the cloud answers
#   scripts/openstack-aio.sh status     processes, RSS, listening ports
# Stop it with scripts/openstack-aio-stop.sh. Run as root.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT_DIR=${OUT_DIR:-$ROOT/.ci}
RUN_DIR=${RUN_DIR:-/run/soberana-openstack}      # pid files
LIB_DIR=${LIB_DIR:-/usr/local/lib/soberana-openstack}
SETUP_LOG=${SETUP_LOG:-/var/log/soberana-openstack-setup.log}
REGION=${REGION:-RegionOne}
CLOUD_NAME=${CLOUD_NAME:-soberana-aio}
AZ_1=${AZ_1:-az-1}; AZ_2=${AZ_2:-az-2}
HOST_1=${HOST_1:-fake-az1}; HOST_2=${HOST_2:-fake-az2}
# fake hypervisor sizes: vcpus memory_mb local_gb (Placement multiplies by the allocation ratios)
SIZE_1=${SIZE_1:-"64 262144 4000"}; SIZE_2=${SIZE_2:-"32 131072 2000"}
DB_PASS=${DB_PASS:-dbpass}
RABBIT_PASS=${RABBIT_PASS:-rabbitpass}
ADMIN_PASS=${ADMIN_PASS:-adminpass}
SERVICE_PASS=${SERVICE_PASS:-servicepass}
API_PROCS=${API_PROCS:-2}
NOVA_API_PROCS=${NOVA_API_PROCS:-6}   # one thread each (see below); 3 queued the health probe behind 16 boots
KEYSTONE_PORT=5000 PLACEMENT_PORT=8778 NOVA_PORT=8774 GLANCE_PORT=9292 NEUTRON_PORT=9696
RABBIT_PORT=5672 MYSQL_PORT=3306
NOVA_CONFS="--config-file /etc/nova/nova.conf --config-file /etc/nova/nova-db.conf"
PY=/usr/bin/python3   # not a pyenv shim: the Debian OpenStack libraries live here
export DEBIAN_FRONTEND=noninteractive

T0=$(date +%s)
log() { echo "[$(date +%H:%M:%S) +$(( $(date +%s) - T0 ))s] $*"; }
die() { echo "openstack-aio: ERROR: $*" >&2; exit 1; }
q() { "$@" >>"$SETUP_LOG" 2>&1 || { tail -25 "$SETUP_LOG" >&2; die "failed: $*"; }; }
sql() { mysql -uroot --protocol=socket -e "$1"; }
pid_alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() {  # any HTTP answer counts
  local url=$1 t=${2:-120} i=0
  while ! curl -s -o /dev/null -m 5 "$url"; do
    i=$((i+1)); [ $i -gt $((t*4)) ] && die "$url did not answer within ${t}s"; sleep 0.25
  done
}
# start_daemon NAME USER LOGFILE CMD [ARGS...]: background, pid in $RUN_DIR/NAME.pid
start_daemon() {
  local name=$1 user=$2 logf=$3; shift 3
  mkdir -p "$RUN_DIR" "$(dirname "$logf")"
  if pid_alive "$name"; then log "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"; return 0; fi
  start-stop-daemon --start --background --make-pidfile --pidfile "$RUN_DIR/$name.pid" \
    --chuid "$user" --chdir / --output "$logf" --exec "$1" -- "${@:2}" || die "could not start $name"
  sleep 0.3; pid_alive "$name" || die "$name exited at once, see $logf"
  log "started $name pid $(cat "$RUN_DIR/$name.pid")"
}

[ "$(id -u)" = 0 ] || die "run as root"

status() {
  local f n pid rss tot=0 p r ports
  descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
  printf '%-26s %-8s %8s  %s\n' SERVICE PID RSS_MiB LISTEN
  for f in "$RUN_DIR"/*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid); pid=$(cat "$f")
    kill -0 "$pid" 2>/dev/null || { printf '%-26s %-8s DEAD\n' "$n" "$pid"; continue; }
    rss=0
    for p in $pid $(descendants "$pid"); do
      r=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true)
      rss=$((rss + ${r:-0}))
    done
    ports=$(for p in $pid $(descendants "$pid"); do ss -ltnpH 2>/dev/null | grep "pid=$p," | awk '{print $4}' || true; done | sort -u | tr '\n' ' ')
    printf '%-26s %-8s %8d  %s\n' "$n" "$pid" $((rss/1024)) "$ports"
    tot=$((tot+rss))
  done
  echo "OpenStack processes: RSS $((tot/1024)) MiB (MariaDB and RabbitMQ not counted)"
}

# The cloud answers: Keystone issues a token, both fake hosts are up, the env file exists.
cloud_ready() {
  [ -f "$OUT_DIR/openstack.env" ] && [ -f "$OUT_DIR/openstack-clouds.yaml" ] || return 1
  for n in keystone placement glance-api neutron-server nova-api nova-conductor nova-scheduler \
           "nova-compute-$HOST_1" "nova-compute-$HOST_2"; do
    pid_alive "$n" || return 1
  done
  OS_CLOUD=$CLOUD_NAME OS_CLIENT_CONFIG_FILE=$OUT_DIR/openstack-clouds.yaml timeout 60 \
    openstack availability zone list --compute -f value -c 'Zone Name' -c 'Zone Status' 2>/dev/null \
    | sort | tr '\n' ' ' | grep -q "$AZ_1 available $AZ_2 available"
}

FORCE=
case "${1:-}" in
  status) status; exit 0 ;;
  --force) FORCE=1 ;;
  "") ;;
  *) die "usage: $0 [--force|status]" ;;
esac

if [ -z "$FORCE" ] && command -v openstack >/dev/null 2>&1 && cloud_ready; then
  log "cloud $CLOUD_NAME already running ($AZ_1, $AZ_2); env in $OUT_DIR/openstack.env"
  echo "SETUP_SECONDS=$(( $(date +%s) - T0 )) (already running)"
  exit 0
fi

########################################################################## install
PKGS=(mariadb-server rabbitmq-server keystone placement-api glance-api nova-api nova-conductor
      nova-scheduler neutron-api python3-openstackclient python3-osc-placement uwsgi-plugin-python3
      curl jq procps iproute2)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${#missing[@]} packages from Debian: ${missing[*]}"
  # maintainer scripts must not start daemons (there is no init system here)
  if [ ! -x /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; fi
  ti=$(date +%s)
  apt-get update -q >>"$SETUP_LOG" 2>&1 || die "apt-get update failed (see $SETUP_LOG)"
  # nova-compute (the package) is not installed: it pulls a hypervisor; python3-nova has nova.cmd.compute
  apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold "${missing[@]}" >>"$SETUP_LOG" 2>&1 \
    || { tail -25 "$SETUP_LOG" >&2; die "apt-get install failed"; }
  echo "INSTALL_SECONDS=$(( $(date +%s) - ti ))"
else
  echo "INSTALL_SECONDS=0 (all packages present)"
fi
ts=$(date +%s)
mkdir -p "$RUN_DIR" "$OUT_DIR" "$LIB_DIR"

# nova-compute with a sized fake driver, without the Debian nova-compute package
cat > "$LIB_DIR/aio_fake.py" <<'EOF'
"""nova.virt.fake.FakeDriver with a capacity read from [fake_driver]."""
from oslo_config import cfg
from nova.virt import fake

CONF = cfg.CONF
CONF.register_opts([
    cfg.IntOpt('vcpus', default=fake.FakeDriver.vcpus),
    cfg.IntOpt('memory_mb', default=fake.FakeDriver.memory_mb),
    cfg.IntOpt('local_gb', default=fake.FakeDriver.local_gb),
], group='fake_driver')


class SizedFakeDriver(fake.FakeDriver):
    def __init__(self, virtapi, read_only=False):
        self.vcpus = CONF.fake_driver.vcpus
        self.memory_mb = CONF.fake_driver.memory_mb
        self.local_gb = CONF.fake_driver.local_gb
        super().__init__(virtapi, read_only)
EOF
cat > "$LIB_DIR/nova-compute-fake" <<EOF
#!$PY
# nova-compute for the fake driver; nova loads drivers only from nova.virt
import sys
sys.path.insert(0, "$LIB_DIR")
from nova.cmd.compute import main   # imports nova.cmd first: eventlet monkey patching
import aio_fake
sys.modules["nova.virt.aio_fake"] = aio_fake
sys.exit(main())
EOF
chmod 755 "$LIB_DIR/nova-compute-fake"; chmod 644 "$LIB_DIR/aio_fake.py"

########################################################################## MariaDB
log "MariaDB"
if ! mysqladmin --protocol=socket -uroot ping >/dev/null 2>&1; then
  install -d -o mysql -g mysql /run/mysqld /var/log/mysql
  [ -d /var/lib/mysql/mysql ] || q mariadb-install-db --user=mysql --datadir=/var/lib/mysql
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 120); do mysqladmin --protocol=socket -uroot ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
mysqladmin --protocol=socket -uroot ping >/dev/null 2>&1 || die "MariaDB did not start"
# many pooled connections from 5 services (the default 151 is too few); no restart needed
sql "SET GLOBAL max_connections = GREATEST(@@max_connections, 1000)"
for db in keystone placement nova_api nova nova_cell0 glance neutron; do
  case $db in nova*) u=nova;; *) u=$db;; esac
  sql "CREATE DATABASE IF NOT EXISTS $db;
       CREATE USER IF NOT EXISTS '$u'@'localhost' IDENTIFIED BY '$DB_PASS';
       CREATE USER IF NOT EXISTS '$u'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
       GRANT ALL PRIVILEGES ON $db.* TO '$u'@'localhost';
       GRANT ALL PRIVILEGES ON $db.* TO '$u'@'127.0.0.1';"
done
dburl() { echo "mysql+pymysql://$1:$DB_PASS@127.0.0.1:$MYSQL_PORT/$2?charset=utf8"; }

########################################################################## RabbitMQ
log "RabbitMQ"
if ! port_open $RABBIT_PORT; then
  rabbitmq-server -detached >>"$SETUP_LOG" 2>&1 || true
fi
for _ in $(seq 1 120); do rabbitmqctl -q await_startup >/dev/null 2>&1 && break; sleep 1; done
rabbitmqctl -q await_startup >/dev/null 2>&1 || die "RabbitMQ did not start"
rabbitmqctl -q add_user openstack "$RABBIT_PASS" >/dev/null 2>&1 || rabbitmqctl -q change_password openstack "$RABBIT_PASS" >/dev/null
rabbitmqctl -q set_permissions openstack ".*" ".*" ".*" >/dev/null
TRANSPORT_URL="rabbit://openstack:$RABBIT_PASS@127.0.0.1:$RABBIT_PORT/"

uwsgi_ini() {  # uwsgi_ini NAME USER WSGI_FILE PORT LOGFILE INI [THREADS [PROCESSES]]
  cat > "$6" <<EOF
[uwsgi]
http-socket = 127.0.0.1:$4
plugins = python3
master = true
processes = ${8:-$API_PROCS}
threads = ${7:-2}
enable-threads = true
lazy-apps = true
thunder-lock = true
buffer-size = 65535
die-on-term = true
no-orphans = true
http-auto-chunked = true
http-chunked-input = true
wsgi-manage-chunked-input = true
add-header = Connection: close
name = $1
uid = $2
gid = $2
chdir = /var/lib/$2
wsgi-file = $3
logto = $5
EOF
}
authtoken() {
  cat <<EOF
www_authenticate_uri = http://127.0.0.1:$KEYSTONE_PORT
auth_url = http://127.0.0.1:$KEYSTONE_PORT
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASS
region_name = $REGION
service_token_roles_required = true
EOF
}
svc_auth() {
  cat <<EOF
auth_type = password
auth_url = http://127.0.0.1:$KEYSTONE_PORT/v3
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASS
EOF
}

########################################################################## Keystone
log "Keystone"
cat > /etc/keystone/keystone.conf <<EOF
[DEFAULT]
log_dir = /var/log/keystone
log_file = keystone.log
[database]
connection = $(dburl keystone keystone)
[token]
provider = fernet
expiration = 86400
[oslo_policy]
policy_dirs = /etc/keystone/policy.d
EOF
chown root:keystone /etc/keystone/keystone.conf; chmod 640 /etc/keystone/keystone.conf
q su -s /bin/sh keystone -c "keystone-manage db_sync"
install -d -o keystone -g keystone -m 700 /etc/keystone/fernet-keys /etc/keystone/credential-keys
[ -f /etc/keystone/fernet-keys/0 ] || q keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
[ -f /etc/keystone/credential-keys/0 ] || q keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
admin_token_ok() {
  curl -s -o /dev/null -w '%{http_code}' -m 10 -H 'Content-Type: application/json' -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],
    \"password\":{\"user\":{\"name\":\"admin\",\"domain\":{\"id\":\"default\"},\"password\":\"$ADMIN_PASS\"}}}}}" \
    "http://127.0.0.1:$KEYSTONE_PORT/v3/auth/tokens" 2>/dev/null | grep -q 201
}
# bootstrap (re)sets the admin password, which revokes the tokens running services hold: only on a new cloud
pid_alive keystone && admin_token_ok || \
q su -s /bin/sh keystone -c "keystone-manage bootstrap --bootstrap-password '$ADMIN_PASS' \
  --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
  --bootstrap-service-name keystone --bootstrap-region-id $REGION \
  --bootstrap-admin-url http://127.0.0.1:$KEYSTONE_PORT/v3/ \
  --bootstrap-internal-url http://127.0.0.1:$KEYSTONE_PORT/v3/ \
  --bootstrap-public-url http://127.0.0.1:$KEYSTONE_PORT/v3/"
uwsgi_ini keystone keystone /usr/bin/keystone-wsgi-public $KEYSTONE_PORT /var/log/keystone/keystone-uwsgi.log /etc/keystone/aio-uwsgi.ini
start_daemon keystone root /var/log/keystone/keystone-uwsgi.out /usr/bin/uwsgi --ini /etc/keystone/aio-uwsgi.ini
wait_http http://127.0.0.1:$KEYSTONE_PORT/v3 120

log "Keystone catalog"
ADMIN_PASS=$ADMIN_PASS SERVICE_PASS=$SERVICE_PASS REGION=$REGION q $PY - <<'PYEOF'
import os
from keystoneauth1.identity import v3
from keystoneauth1 import session
from keystoneclient.v3 import client
e = os.environ
sess = session.Session(auth=v3.Password(auth_url="http://127.0.0.1:5000/v3", username="admin",
        password=e["ADMIN_PASS"], project_name="admin", user_domain_id="default", project_domain_id="default"))
ks = client.Client(session=sess)
dom = ks.domains.get("default")
def project(name, desc):
    p = ks.projects.list(name=name, domain=dom)
    return p[0] if p else ks.projects.create(name, dom, description=desc)
def role(name):
    r = ks.roles.list(name=name)
    return r[0] if r else ks.roles.create(name)
def user(name, pw, proj):
    u = ks.users.list(name=name, domain=dom)
    if u:   # never reset a password: that revokes the tokens the running services hold
        return u[0]
    return ks.users.create(name, domain=dom, password=pw, default_project=proj)
service = project("service", "Service project")
admin_role, member, reader = role("admin"), role("member"), role("reader")
for name, stype, url in [("nova", "compute", "http://127.0.0.1:8774/v2.1"),
                         ("placement", "placement", "http://127.0.0.1:8778"),
                         ("glance", "image", "http://127.0.0.1:9292"),
                         ("neutron", "network", "http://127.0.0.1:9696")]:
    u = user(name, e["SERVICE_PASS"], service)
    ks.roles.grant(admin_role, user=u, project=service)
    ks.roles.grant(role("service"), user=u, project=service)
    s = ks.services.list(type=stype)
    s = s[0] if s else ks.services.create(name, type=stype, description=name)
    have = {ep.interface for ep in ks.endpoints.list(service=s, region=e["REGION"])}
    for itf in ("public", "internal", "admin"):
        if itf not in have:
            ks.endpoints.create(s, url, interface=itf, region=e["REGION"])
print("keystone catalog ok")
PYEOF

########################################################################## Placement
log "Placement"
cat > /etc/placement/placement.conf <<EOF
[DEFAULT]
pybasedir = /usr/lib/python3/dist-packages
[api]
auth_strategy = keystone
[keystone_authtoken]
$(authtoken placement)
[placement_database]
connection = $(dburl placement placement)
[oslo_policy]
policy_dirs = /etc/placement/policy.d
EOF
chown root:placement /etc/placement/placement.conf; chmod 640 /etc/placement/placement.conf
q su -s /bin/sh placement -c "placement-manage db sync"
uwsgi_ini placement placement /usr/bin/placement-api $PLACEMENT_PORT /var/log/placement/placement-uwsgi.log /etc/placement/aio-uwsgi.ini
start_daemon placement root /var/log/placement/placement-uwsgi.out /usr/bin/uwsgi --ini /etc/placement/aio-uwsgi.ini

########################################################################## Glance
log "Glance"
cat > /etc/glance/glance-api.conf <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $GLANCE_PORT
workers = 1
log_file = /var/log/glance/glance-api.log
[database]
connection = $(dburl glance glance)
[glance_store]
stores = file,http
default_store = file
filesystem_store_datadir = /var/lib/glance/images/
[keystone_authtoken]
$(authtoken glance)
[paste_deploy]
flavor = keystone
[oslo_concurrency]
lock_path = /var/lock/glance
EOF
chown root:glance /etc/glance/glance-api.conf; chmod 640 /etc/glance/glance-api.conf
install -d -o glance -g glance /var/lib/glance/images /var/lock/glance /var/log/glance
q su -s /bin/sh glance -c "glance-manage db_sync"
start_daemon glance-api glance /var/log/glance/glance-api.out /usr/bin/glance-api --config-file /etc/glance/glance-api.conf

########################################################################## Neutron (API only)
log "Neutron (API only, no agents)"
cat > /etc/neutron/neutron.conf <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $NEUTRON_PORT
auth_strategy = keystone
core_plugin = ml2
service_plugins = router
transport_url = $TRANSPORT_URL
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
[database]
connection = $(dburl neutron neutron)
[keystone_authtoken]
$(authtoken neutron)
[oslo_concurrency]
lock_path = /var/lock/neutron
[oslo_policy]
policy_dirs = /etc/neutron/policy.d
EOF
cat > /etc/neutron/plugins/ml2/ml2_conf.ini <<EOF
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers =
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
[ml2_type_vxlan]
vni_ranges = 1:10000
[securitygroup]
enable_security_group = true
EOF
chown root:neutron /etc/neutron/neutron.conf /etc/neutron/plugins/ml2/ml2_conf.ini
chmod 640 /etc/neutron/neutron.conf /etc/neutron/plugins/ml2/ml2_conf.ini
install -d -o neutron -g neutron /var/lock/neutron /var/log/neutron
q su -s /bin/sh neutron -c "neutron-db-manage --config-file /etc/neutron/neutron.conf \
  --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade heads"
start_daemon neutron-server neutron /var/log/neutron/neutron-server.out /usr/bin/neutron-server \
  --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini \
  --log-file /var/log/neutron/neutron-server.log

########################################################################## Nova
log "Nova"
cat > /etc/nova/nova.conf <<EOF
[DEFAULT]
# one fake host per AZ: a resize (soberana's :resize) stays on its host
allow_resize_to_same_host = True
my_ip = 127.0.0.1
host = aio
state_path = /var/lib/nova
pybasedir = /usr/lib/python3/dist-packages
transport_url = $TRANSPORT_URL
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_workers = 1
compute_driver = fake.FakeDriver
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
heal_instance_info_cache_interval = -1
# report capacity to Placement often so tests see usage soon
update_resources_interval = 10
[quota]
instances = 200
cores = 1000
ram = 2048000
[api]
auth_strategy = keystone
[keystone_authtoken]
$(authtoken nova)
[service_user]
send_service_user_token = true
$(svc_auth nova)
[placement]
region_name = $REGION
$(svc_auth placement)
[glance]
region_name = $REGION
[neutron]
region_name = $REGION
$(svc_auth neutron)
[cinder]
os_region_name = $REGION
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 30
[vnc]
enabled = false
[spice]
enabled = false
[oslo_concurrency]
lock_path = /var/lib/nova/tmp
[oslo_policy]
policy_dirs = /etc/nova/policy.d
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
EOF
# DB URLs only where nova-compute never reads them ("No DB access allowed in nova-compute")
cat > /etc/nova/nova-db.conf <<EOF
[api_database]
connection = $(dburl nova nova_api)
[database]
connection = $(dburl nova nova)
EOF
chown root:nova /etc/nova/nova.conf /etc/nova/nova-db.conf; chmod 640 /etc/nova/nova.conf /etc/nova/nova-db.conf
install -d -o nova -g nova /var/lib/nova/tmp /var/log/nova
q su -s /bin/sh nova -c "nova-manage $NOVA_CONFS api_db sync"
q su -s /bin/sh nova -c "nova-manage $NOVA_CONFS cell_v2 map_cell0"
if ! su -s /bin/sh nova -c "nova-manage $NOVA_CONFS cell_v2 list_cells" 2>/dev/null | grep -q ' cell1 '; then
  out=$(su -s /bin/sh nova -c "nova-manage $NOVA_CONFS cell_v2 create_cell --name=cell1" 2>&1) \
    || grep -q "already exists" <<<"$out" || { echo "$out" >&2; die "nova-manage cell_v2 create_cell failed"; }
fi
q su -s /bin/sh nova -c "nova-manage $NOVA_CONFS db sync"
# one thread per nova-api process: with two, concurrent POST /servers in one
# worker hang on "greenlet.error: cannot switch to a different thread"
uwsgi_ini nova-api nova /usr/bin/nova-api-wsgi $NOVA_PORT /var/log/nova/nova-api-uwsgi.log /etc/nova/aio-uwsgi.ini 1 "$NOVA_API_PROCS"
echo "env = OS_NOVA_CONFIG_FILES=api-paste.ini;nova.conf;nova-db.conf" >> /etc/nova/aio-uwsgi.ini
start_daemon nova-api root /var/log/nova/nova-api-uwsgi.out /usr/bin/uwsgi --ini /etc/nova/aio-uwsgi.ini
start_daemon nova-conductor nova /var/log/nova/nova-conductor.out \
  /usr/bin/nova-conductor $NOVA_CONFS --log-file /var/log/nova/nova-conductor.log
start_daemon nova-scheduler nova /var/log/nova/nova-scheduler.out \
  /usr/bin/nova-scheduler $NOVA_CONFS --log-file /var/log/nova/nova-scheduler.log
compute_host() {  # compute_host NAME "VCPUS MEMORY_MB DISK_GB"
  local name=$1 conf=/etc/nova/nova-compute-$1.conf v m d
  read -r v m d <<<"$2"
  printf '[DEFAULT]\nhost = %s\ncompute_driver = aio_fake.SizedFakeDriver\n[fake_driver]\nvcpus = %s\nmemory_mb = %s\nlocal_gb = %s\n' \
    "$name" "$v" "$m" "$d" > "$conf"
  chown root:nova "$conf"; chmod 640 "$conf"
  start_daemon "nova-compute-$name" nova "/var/log/nova/nova-compute-$name.out" \
    "$LIB_DIR/nova-compute-fake" --config-file /etc/nova/nova.conf --config-file "$conf" \
    --log-file "/var/log/nova/nova-compute-$name.log"
}
compute_host "$HOST_1" "$SIZE_1"
compute_host "$HOST_2" "$SIZE_2"
for port in $PLACEMENT_PORT $GLANCE_PORT $NOVA_PORT $NEUTRON_PORT; do wait_http "http://127.0.0.1:$port/" 180; done

########################################################################## cloud contents
cat > "$OUT_DIR/openstack-clouds.yaml" <<EOF
# written by scripts/openstack-aio.sh: the all-in-one test cloud (admin)
clouds:
  $CLOUD_NAME:
    auth_type: password
    auth:
      auth_url: http://127.0.0.1:$KEYSTONE_PORT/v3
      username: admin
      password: $ADMIN_PASS
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    interface: public
    identity_api_version: 3
EOF
chmod 600 "$OUT_DIR/openstack-clouds.yaml"
export OS_CLIENT_CONFIG_FILE=$OUT_DIR/openstack-clouds.yaml OS_CLOUD=$CLOUD_NAME

log "compute hosts into cell1 and AZs $AZ_1, $AZ_2"
for _ in $(seq 1 120); do
  su -s /bin/sh nova -c "nova-manage $NOVA_CONFS cell_v2 discover_hosts" >/dev/null 2>&1 || true
  hosts=$(su -s /bin/sh nova -c "nova-manage $NOVA_CONFS cell_v2 list_hosts" 2>/dev/null || true)
  grep -q " $HOST_1 " <<<"$hosts" && grep -q " $HOST_2 " <<<"$hosts" && break
  sleep 1
done
grep -q " $HOST_2 " <<<"$hosts" && grep -q " $HOST_1 " <<<"$hosts" || die "compute hosts did not register (see /var/log/nova/)"
log "AZs, flavors, image (one openstacksdk process: the CLI costs seconds per call)"
IMAGE_ID=$(AZ_1=$AZ_1 AZ_2=$AZ_2 HOST_1=$HOST_1 HOST_2=$HOST_2 $PY - 2>>"$SETUP_LOG" <<'PYEOF'
import os, sys, time, openstack
e = os.environ
c = openstack.connect(cloud=e["OS_CLOUD"])
for az, host in ((e["AZ_1"], e["HOST_1"]), (e["AZ_2"], e["HOST_2"])):
    agg = next((a for a in c.compute.aggregates() if a.name == "agg-" + az), None) \
        or c.compute.create_aggregate(name="agg-" + az, availability_zone=az)
    if host not in (agg.hosts or []):
        c.compute.add_host_to_aggregate(agg, host)
have = {f.name for f in c.compute.flavors(is_public=None)}
# two flavors named after SCS, one found only through its scs:name-v2 extra spec
for name, vcpus, ram, disk, specs in (
        ("SCS-1V-2-20s", 1, 2048, 20, {"scs:name-v1": "SCS-1V:2:20s", "scs:name-v2": "SCS-1V-2-20s"}),
        ("SCS-2V-4-20s", 2, 4096, 20, {"scs:name-v1": "SCS-2V:4:20s", "scs:name-v2": "SCS-2V-4-20s"}),
        ("m1.medium", 2, 8192, 50, {"scs:name-v2": "SCS-2V-8-50"})):
    if name not in have:
        f = c.compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk, is_public=True)
        c.compute.create_flavor_extra_specs(f, specs)
img = c.image.find_image("soberana-tiny")
if img is None:
    img = c.image.create_image(name="soberana-tiny", data=b"\0" * 1048576, disk_format="raw",
                               container_format="bare", visibility="public")
# two tiny images tagged with the standard os_distro/os_version properties:
# soberana's image catalogue finds them as families ubuntu-24.04 and
# debian-12 (the fake driver boots nothing, so any bytes do)
for name, distro, version in (("soberana-ubuntu-24.04", "ubuntu", "24.04"), ("soberana-debian-12", "debian", "12")):
    im = c.image.find_image(name)
    if im is None:
        im = c.image.create_image(name=name, data=b"\0" * 65536, disk_format="raw", container_format="bare",
                                  visibility="public", os_distro=distro, os_version=version)
    # find_image returns a listing whose properties may be None: read the
    # image itself, where os_distro/os_version are attributes
    im = c.image.get_image(im.id)
    if getattr(im, "os_distro", None) != distro or str(getattr(im, "os_version", None)) != version:
        c.image.update_image(im, os_distro=distro, os_version=version)
for _ in range(240):   # both AZs in Nova, both hosts in Placement
    azs = {z.name for z in c.compute.availability_zones() if z.state.get("available")}
    rps = {r.name for r in c.placement.resource_providers()}
    if {e["AZ_1"], e["AZ_2"]} <= azs and {e["HOST_1"], e["HOST_2"]} <= rps:
        break
    time.sleep(0.5)
else:
    sys.exit("AZs or resource providers missing: %s %s" % (azs, rps))
print(img.id)
PYEOF
) || { tail -20 "$SETUP_LOG" >&2; die "could not set up AZs, flavors and image"; }
azs="$AZ_1 $AZ_2"

cat > "$OUT_DIR/openstack.env" <<EOF
# written by scripts/openstack-aio.sh; source it before the integration tests
SOBERANA_TEST_OPENSTACK_CLOUDS='$OUT_DIR/openstack-clouds.yaml'
SOBERANA_TEST_OPENSTACK_CLOUD='$CLOUD_NAME'
SOBERANA_TEST_OPENSTACK_AZS='$AZ_1,$AZ_2'
SOBERANA_TEST_OPENSTACK_IMAGE='$IMAGE_ID'
EOF
log "cloud $CLOUD_NAME ready: AZs $azs"
echo "SETUP_SECONDS=$(( $(date +%s) - ts ))"
status | tail -1
