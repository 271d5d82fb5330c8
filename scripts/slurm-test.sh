#!/usr/bin/env bash
# slurm-test.sh: run annc's SLURM integration test against a real single-node
# cluster on this machine.
#
# It installs Debian's slurm-wlm and munge with apt-get when they are missing
# (skipping, with a message, where they cannot be installed), writes a minimal
# slurm.conf for this host into a temporary directory, starts munged,
# slurmctld and slurmd, checks that a trivial `sbatch --wrap` job completes,
# runs the Go integration test (TestSlurmCluster in ./cmd/annc), and stops the
# daemons again whatever happens.
#
#   scripts/slurm-test.sh            # install if needed, start, test, stop
#   KEEP=1 scripts/slurm-test.sh     # leave the cluster running afterwards
#
# The daemons run as root (SlurmUser=root) when the script is run as root,
# which is what a CI container does; otherwise it needs sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

skip() {
	echo "slurm-test: SKIPPED: $*" >&2
	exit 0
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null && sudo -n true 2>/dev/null || skip "needs root or password-less sudo to run slurmctld, slurmd and munged"
	SUDO="sudo -n"
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
	command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get to install them"
	echo "slurm-test: installing slurm-wlm and munge" >&2
	if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >&2; then
		skip "apt-get could not install slurm-wlm and munge"
	fi
fi

work=$(mktemp -d /tmp/annc-slurm.XXXXXX)
chmod 755 "$work"
conf="$work/slurm.conf"
host=$(hostname -s)
user=$(id -un)
[ -n "$SUDO" ] && user=root

# This machine's CPUs and memory as slurmd sees them; the node gets all CPUs
# and all but a little memory, and jobs are scheduled per CPU so that two
# one-CPU array tasks run at the same time on a two-core machine.
hw=$(slurmd -C | head -1)
cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
sockets=$(sed -n 's/.*SocketsPerBoard=\([0-9]*\).*/\1/p' <<<"$hw")
cores=$(sed -n 's/.*CoresPerSocket=\([0-9]*\).*/\1/p' <<<"$hw")
threads=$(sed -n 's/.*ThreadsPerCore=\([0-9]*\).*/\1/p' <<<"$hw")
mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
mem=$((mem > 1024 ? mem - 512 : mem))

mkdir -p "$work/state" "$work/spool" "$work/log"
cat >"$conf" <<EOF
# Minimal single-node cluster for annc's integration test.
ClusterName=annc-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
SlurmdUser=root
SlurmctldPort=6917
SlurmdPort=6918
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket.2
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool/slurmd-%n
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
MaxArraySize=1001
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Boards=1 SocketsPerBoard=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP DefMemPerCPU=1024
EOF
# slurmd reads cgroup.conf next to slurm.conf; proctrack/linuxproc and
# task/none need no cgroups, so it only names the plugin.
echo "CgroupPlugin=autodetect" >"$work/cgroup.conf"
export SLURM_CONF="$conf"

munge_pid=""
stop() {
	status=$?
	set +e
	if [ -n "${KEEP:-}" ]; then
		echo "slurm-test: cluster left running (export SLURM_CONF=$conf); stop with:" >&2
		echo "  kill \$(cat $work/slurmd.pid) \$(cat $work/slurmctld.pid) \$(cat $work/munge/munged.pid)" >&2
		return
	fi
	for p in "$work/slurmd.pid" "$work/slurmctld.pid"; do
		[ -s "$p" ] && $SUDO kill "$(cat "$p")" 2>/dev/null
	done
	[ -n "$munge_pid" ] && $SUDO kill "$munge_pid" 2>/dev/null
	sleep 1
	if [ "$status" -eq 0 ]; then
		$SUDO rm -rf "$work"
		echo "slurm-test: daemons stopped" >&2
	else
		echo "slurm-test: daemons stopped; logs in $work/log" >&2
	fi
}
trap stop EXIT

# munged: its own socket and pid file under $work, so an already running
# munged (or none) on this machine does not matter. It refuses to run as root
# unless forced.
mkdir -p "$work/munge"
$SUDO chown munge:munge "$work/munge" 2>/dev/null || true
[ -s /etc/munge/munge.key ] || $SUDO /usr/sbin/mungekey --create --keyfile=/etc/munge/munge.key
sock="$work/munge/munge.socket.2"
if id munge >/dev/null 2>&1 && command -v runuser >/dev/null && [ -z "$SUDO" ]; then
	runuser -u munge -- /usr/sbin/munged --socket="$sock" --pid-file="$work/munge/munged.pid" \
		--log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"
else
	$SUDO /usr/sbin/munged --force --socket="$sock" --pid-file="$work/munge/munged.pid" \
		--log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"
fi
for _ in $(seq 50); do [ -s "$work/munge/munged.pid" ] && break; sleep 0.1; done
munge_pid=$(cat "$work/munge/munged.pid")
munge -S "$sock" -n | unmunge -S "$sock" >/dev/null || { cat "$work/munge/munged.log" >&2; echo "slurm-test: munge does not work" >&2; exit 1; }

$SUDO env SLURM_CONF="$conf" /usr/sbin/slurmctld -f "$conf"
$SUDO env SLURM_CONF="$conf" /usr/sbin/slurmd -f "$conf"

# Wait for the node to come up.
up=""
for _ in $(seq 60); do
	state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
	case "$state" in idle*|mixed*|allocated*) up=1; break ;; esac
	sleep 0.5
done
if [ -z "$up" ]; then
	echo "slurm-test: the node did not come up (state: ${state:-none})" >&2
	tail -n 30 "$work/log/slurmctld.log" "$work/log/slurmd.log" >&2 || true
	exit 1
fi
sinfo >&2

# A trivial job first: if this does not run, the cluster is broken, not annc.
jid=$(sbatch --parsable --output="$work/hello.out" --wrap 'echo hello from $(hostname)')
for _ in $(seq 120); do
	[ -z "$(squeue -h -j "$jid" 2>/dev/null)" ] && break
	sleep 0.5
done
if ! grep -q 'hello from' "$work/hello.out" 2>/dev/null; then
	echo "slurm-test: the trivial job $jid did not complete" >&2
	tail -n 30 "$work/log/slurmctld.log" "$work/log/slurmd.log" >&2 || true
	exit 1
fi
echo "slurm-test: cluster up ($cpus CPUs, $mem MB); trivial job $jid ran: $(cat "$work/hello.out")" >&2

if [ -n "${SLURM_TEST_ONLY_CLUSTER:-}" ]; then
	exit 0
fi
ANNC_SLURM_TEST=1 go test -count=1 -v -timeout 15m -run 'TestSlurm' ./cmd/annc/
