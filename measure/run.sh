#!/usr/bin/env bash
# gmemlab measure kit: measures this host's costs for `gmemlab calibrate` (measure/README.md).
# Run as root on the host itself (not in a guest). Every file it writes starts with a
# `# key: value` header (host, cpu, online_cpus, tsc_mhz, kernel, date, tool, command) that
# gmemlab reads as the profile's provenance.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: sudo measure/run.sh [options]
  --out DIR             where to write the files (default: ./gmemlab-measure-HOST-DATE)
  --seconds N           how long each direct-map/flush recording lasts (default 30)
  --cpu-counts LIST     also record with only this many CPUs online, e.g. 4,8,16 (CPUs above
                        the count are taken offline for the recording and brought back after;
                        needed to split the flush cost into its fixed and per-CPU parts)
  --no-load             do not run the memfd_secret load generator during recordings
  --kut DIR             a built kvm-unit-tests tree: runs x86/vmexit.flat (about a minute)
  --selftests DIR       tools/testing/selftests/kvm of a built kernel tree: runs
                        demand_paging_test -u MISSING (about 10-30 s)
  --perf-seconds N      record `perf kvm stat` for N seconds while your VMs run, then report
  -h, --help            this text
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
seconds=30
cpu_counts=""
load=1
kut=""
selftests=""
perf_seconds=0
out=""

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--cpu-counts) cpu_counts=$2; shift 2 ;;
	--no-load) load=0; shift ;;
	--kut) kut=$2; shift 2 ;;
	--selftests) selftests=$2; shift 2 ;;
	--perf-seconds) perf_seconds=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done

die() {
	echo "run.sh: $*" >&2
	exit 2
}

case "$seconds" in '' | *[!0-9]*) die "--seconds needs a whole number" ;; esac
case "$perf_seconds" in '' | *[!0-9]*) die "--perf-seconds needs a whole number" ;; esac
[ "$(id -u)" -eq 0 ] || die "run me as root: bpftrace, CPU hotplug and perf need it"
command -v bpftrace >/dev/null || die "bpftrace is not installed (apt-get install bpftrace / dnf install bpftrace)"
if grep -q '^flags.* hypervisor' /proc/cpuinfo; then
	echo "run.sh: warning: this looks like a guest (cpuid hypervisor bit); the figures will be a guest's, not the host's" >&2
fi

host=$(hostname)
out=${out:-"./gmemlab-measure-$host-$(date -u +%Y%m%dT%H%M%SZ)"}
mkdir -p "$out"

tsc_mhz() {
	# The TSC frequency the kernel calibrated, from the kernel log (root can read it).
	local line
	line=$(dmesg 2>/dev/null | grep -E 'tsc: (Refined TSC clocksource calibration|Detected)' | tail -n 1 || true)
	echo "$line" | sed -nE 's/.*: ([0-9]+\.[0-9]+) MHz.*/\1/p'
}
tsc=$(tsc_mhz)
[ -n "$tsc" ] || echo "run.sh: warning: no TSC frequency in the kernel log; give gmemlab calibrate --ghz" >&2
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

# header TOOL COMMAND: the provenance lines at the top of every file.
header() {
	echo "# gmemlab-measure 1"
	echo "# host: $host"
	echo "# cpu: $cpu_model"
	echo "# online_cpus: $(getconf _NPROCESSORS_ONLN)"
	[ -z "$tsc" ] || echo "# tsc_mhz: $tsc"
	echo "# kernel: $(uname -r)"
	echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "# tool: $1"
	echo "# command: $2"
}

# CPU hotplug for --cpu-counts: remember who was online, always bring them back.
offlined=()
restore_cpus() {
	local cpu
	for cpu in "${offlined[@]}"; do
		echo 1 >"/sys/devices/system/cpu/cpu$cpu/online" || echo "run.sh: could not bring cpu$cpu back online" >&2
	done
	offlined=()
}
trap restore_cpus EXIT INT TERM

keep_online() {
	local want=$1 cpu path
	for path in /sys/devices/system/cpu/cpu[0-9]*; do
		cpu=${path##*cpu}
		[ "$cpu" -ge "$want" ] || continue
		[ -w "$path/online" ] || continue
		if [ "$(cat "$path/online")" = 1 ]; then
			echo 0 >"$path/online"
			offlined+=("$cpu")
		fi
	done
}

record_directmap() {
	local file=$1 load_pid=""
	echo "run.sh: recording direct-map updates and kernel-range flushes for ${seconds}s at $(getconf _NPROCESSORS_ONLN) online CPUs -> $file"
	if [ "$load" -eq 1 ]; then
		python3 "$here/secretmem-load.py" "$seconds" &
		load_pid=$!
	fi
	{
		header "bpftrace $(bpftrace --version | sed 's/^bpftrace //')" "bpftrace measure/directmap.bt $seconds"
		bpftrace "$here/directmap.bt" "$seconds"
	} >"$file"
	if [ -n "$load_pid" ]; then
		wait "$load_pid" || echo "run.sh: the memfd_secret load generator failed (secretmem disabled?); the histograms hold only what the host did on its own" >&2
	fi
}

record_directmap "$out/directmap-$(getconf _NPROCESSORS_ONLN)cpus.txt"

if [ -n "$cpu_counts" ]; then
	IFS=',' read -r -a counts <<<"$cpu_counts"
	for n in "${counts[@]}"; do
		case "$n" in '' | *[!0-9]*) die "--cpu-counts: \"$n\" is not a CPU count" ;; esac
		keep_online "$n"
		record_directmap "$out/directmap-${n}cpus.txt"
		restore_cpus
	done
fi

if [ -n "$kut" ]; then
	if [ ! -x "$kut/x86/run" ] || [ ! -f "$kut/x86/vmexit.flat" ]; then
		die "--kut $kut: no x86/run or x86/vmexit.flat (build kvm-unit-tests first)"
	fi
	echo "run.sh: kvm-unit-tests x86/vmexit.flat -> $out/vmexit.txt"
	{
		header "kvm-unit-tests x86/vmexit.flat" "./x86/run x86/vmexit.flat -smp 2"
		(cd "$kut" && ./x86/run x86/vmexit.flat -smp 2) 2>&1
	} >"$out/vmexit.txt" || echo "run.sh: vmexit.flat failed; see $out/vmexit.txt" >&2
fi

if [ -n "$selftests" ]; then
	[ -x "$selftests/demand_paging_test" ] || die "--selftests $selftests: no demand_paging_test (make -C tools/testing/selftests/kvm)"
	echo "run.sh: demand_paging_test -u MISSING -> $out/demand-paging.txt"
	{
		header "KVM selftests demand_paging_test" "./demand_paging_test -u MISSING"
		"$selftests/demand_paging_test" -u MISSING 2>&1
	} >"$out/demand-paging.txt" || echo "run.sh: demand_paging_test failed; see $out/demand-paging.txt" >&2
fi

if [ "$perf_seconds" -gt 0 ]; then
	command -v perf >/dev/null || die "--perf-seconds: perf is not installed"
	echo "run.sh: perf kvm stat for ${perf_seconds}s -> $out/perf-kvm-stat.txt"
	perf kvm stat record -o "$out/perf-kvm.data" -a sleep "$perf_seconds" >/dev/null 2>&1
	{
		header "perf kvm stat report" "perf kvm stat record -a sleep $perf_seconds; perf kvm stat report --event=vmexit"
		perf kvm stat report -i "$out/perf-kvm.data" --event=vmexit 2>&1
	} >"$out/perf-kvm-stat.txt"
fi

echo "run.sh: done. Next: gmemlab calibrate $out/*.txt --name \"$host\""
