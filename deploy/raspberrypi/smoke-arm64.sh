#!/usr/bin/env bash
# arm64 smoke test: installs the kiosk .deb into a minimal Debian Bookworm arm64 root and runs it there
# under qemu-user (qemu-aarch64-static through binfmt_misc), as a Raspberry Pi OS 64-bit would.
#
#   sudo deploy/raspberrypi/smoke-arm64.sh [--deb FILE] [--work DIR] [--reuse-root] [--code TEXT]
#
#   --deb FILE      the .deb to test (default: build one with build.sh into WORK/artifacts)
#   --work DIR      working folder (default: artifacts/smoke-arm64); the root is WORK/root
#   --reuse-root    reuse WORK/root from an earlier run instead of debootstrapping a fresh one
#   --code TEXT     the health code for `kiosk inspect` (default: tests/data/deploy/smoke-code.txt, verified
#                   against smoke-trust.json at smoke-at.txt; a code of your own is only decoded)
#
# Checks, in the arm64 root:
#   1. dpkg -i of the .deb succeeds with only its declared Depends installed (postinst: kiosk user, groups);
#   2. the dynamic linker resolves every symbol of libSkiaSharp.so and libe_sqlite3.so (ldd -r): SkiaSharp has
#      shipped arm64 builds that fail on Bookworm with "undefined symbol: uuid_generate_random" / "FT_Get_BDF_Property";
#   3. the runtime starts: kiosk --help;
#   4. kiosk render --screen pass --out /tmp/pass.png writes a PNG (SkiaSharp really draws on arm64);
#   5. kiosk inspect CODE --trust smoke-trust.json --at T --json verifies the code: every layer decodes, the ES256
#      signature checks out through the arm64 runtime's OpenSSL (libssl3), verdict valid;
#   6. kiosk speak idle --lang zh --device kiosk_smoke plays the Mandarin idle prompt through Iot.Device.Bindings'
#      SoundDevice: libasound.so.2 (libasound2, a declared Depends) resolves and ALSA's file plugin, defined as the
#      PCM kiosk_smoke in the root's /etc/asound.conf, gets the samples;
#   7. dpkg --purge removes the app, unit and config and keeps /var/lib/kiosk and the kiosk user.
# A subcommand that main does not have yet is reported as MISSING.
# Exit: 0 all passed, 1 a check failed, 3 nothing failed but a subcommand is missing.
#
# Needs root and: debootstrap, qemu-user-static, binfmt-support (apt-get install debootstrap qemu-user-static
# binfmt-support), plus what build.sh needs. Downloads about 40 MB from DEBIAN_MIRROR (default deb.debian.org).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm

die() {
    echo "error: $*" >&2
    exit 2
}

deb=""
work="$repo/artifacts/smoke-arm64"
reuse=false
code=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --deb) [[ $# -ge 2 ]] || die "--deb needs a file"; deb="$2"; shift 2 ;;
        --work) [[ $# -ge 2 ]] || die "--work needs a folder"; work="$2"; shift 2 ;;
        --reuse-root) reuse=true; shift ;;
        --code) [[ $# -ge 2 ]] || die "--code needs the code text"; code="$2"; shift 2 ;;
        -h | --help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

[[ $EUID -eq 0 ]] || die "run as root (debootstrap and chroot)"
for tool in debootstrap qemu-aarch64-static chroot dpkg-deb jq readelf; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install debootstrap qemu-user-static binfmt-support jq binutils)"
done
inspect_args=()
if [[ -z "$code" ]]; then
    code="$(tr -d '\n' <"$repo/tests/data/deploy/smoke-code.txt")"
    inspect_args=(--trust /tmp/smoke-trust.json --at "$(tr -d '\n' <"$repo/tests/data/deploy/smoke-at.txt")")
fi

# binfmt_misc runs arm64 programs (and those they exec: dpkg's maintainer scripts) through qemu.
if [[ ! -e /proc/sys/fs/binfmt_misc/status ]]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc"
fi
if [[ "$(head -n 1 /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null || true)" != enabled ]]; then
    command -v update-binfmts >/dev/null || die "no qemu-aarch64 binfmt handler (apt-get install binfmt-support qemu-user-static)"
    update-binfmts --enable qemu-aarch64 || die "cannot enable the qemu-aarch64 binfmt handler"
fi

mkdir -p "$work"
work="$(cd "$work" && pwd)"
root="$work/root"
log="$work/smoke.log"
: >"$log"

declare -a phases=()
phase_start=$SECONDS
total_start=$SECONDS
phase_done() {
    phases+=("$(printf '%-28s %4d s' "$1" $((SECONDS - phase_start)))")
    phase_start=$SECONDS
}

mounted=()
cleanup() {
    local m
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        m="${mounted[i]}"
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
}
trap cleanup EXIT
# A TERM (e.g. from CI's timeout) still unmounts the root's /proc, /sys and /dev.
trap 'exit 143' TERM INT

# 1. The package.
if [[ -z "$deb" ]]; then
    echo "== building the .deb (build.sh)" >&2
    deb="$(KIOSK_DEB_COMPRESSION="${KIOSK_DEB_COMPRESSION:-zstd}" "$here/build.sh" --out "$work/artifacts" | tail -n 1)"
    phase_done "build + package"
fi
[[ -f "$deb" ]] || die "no such .deb: $deb"
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
[[ "$(dpkg-deb -f "$deb" Architecture)" == arm64 ]] || die "$deb is not an arm64 package"
# The declared Depends, without versions or alternatives: exactly what the root gets besides minbase.
depends="$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/[|(].*//; s/ //g' | grep -v '^$' | paste -sd, -)"

# 2. A minimal Bookworm arm64 root with the package's dependencies.
if [[ "$reuse" == true && -f "$root/.smoke-root-ready" ]]; then
    echo "== reusing $root" >&2
else
    rm -rf "$root"
    echo "== debootstrap $suite arm64 minbase (+ $depends) from $mirror" >&2
    debootstrap --arch=arm64 --variant=minbase --foreign --include="$depends" "$suite" "$root" "$mirror" >>"$log" 2>&1 ||
        die "debootstrap first stage failed (see $log)"
    phase_done "debootstrap (download)"
    echo "== debootstrap second stage under qemu" >&2
    chroot "$root" /debootstrap/debootstrap --second-stage >>"$log" 2>&1 || die "debootstrap second stage failed (see $log)"
    touch "$root/.smoke-root-ready"
    phase_done "debootstrap (second stage)"
fi

# The .NET runtime reads /proc (memory limits, CPUs) and needs /dev/null, /dev/urandom.
for fs in proc sys dev; do
    case "$fs" in
        proc) mount -t proc proc "$root/proc" ;;
        sys) mount -t sysfs sysfs "$root/sys" ;;
        dev) mount --bind /dev "$root/dev" ;;
    esac
    mounted+=("$root/$fs")
done

declare -a results=()
failed=0
missing=0
result() {
    results+=("$(printf '%-8s %s' "$1" "$2")")
    case "$1" in
        FAIL) failed=1 ;;
        MISSING) missing=1 ;;
    esac
}

# Runs a command in the root; output to the log and to the variable run_out.
run_out=""
run_in_root() {
    local rc=0
    run_out="$(chroot "$@" 2>&1)" || rc=$?
    printf '$ chroot %s\n%s\n(exit %d)\n' "$*" "$run_out" "$rc" >>"$log"
    return "$rc"
}

# 3. Install.
cp "$deb" "$root/tmp/kiosk.deb"
install -m 0644 "$repo/tests/data/deploy/smoke-trust.json" "$root/tmp/smoke-trust.json"
if run_in_root "$root" dpkg -i /tmp/kiosk.deb; then
    result PASS "dpkg -i $(basename "$deb") (Depends: $depends)"
else
    result FAIL "dpkg -i: $(tail -n 3 <<<"$run_out" | tr '\n' ' ')"
fi
groups=""
if run_in_root "$root" id -nG kiosk && groups="$run_out" && [[ -x "$root/opt/kiosk/kiosk" && -L "$root/usr/bin/kiosk" ]] &&
    run_in_root "$root" stat -c '%a %U:%G' /etc/kiosk/kiosk.json /var/lib/kiosk && [[ "$run_out" == $'640 root:kiosk\n750 kiosk:kiosk' ]]; then
    result PASS "postinst: kiosk user (groups: $groups), /usr/bin/kiosk, kiosk.json 0640 root:kiosk, /var/lib/kiosk 0750"
else
    result FAIL "installed layout or kiosk user missing"
fi
phase_done "install"

# 4. Every symbol of the native libraries resolves on Bookworm, in the kiosk process: its executable's own
# NEEDED libraries (libm, libstdc++, ...) are in the global scope there, so they are preloaded here
# (libe_sqlite3.so uses libm's pow/exp without declaring libm: fine in the kiosk, an error for a bare ldd -r).
preload="$(LC_ALL=C readelf -d "$root/opt/kiosk/kiosk" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p' | grep -v '^ld-linux' | paste -sd ' ' -)"
for lib in libSkiaSharp.so libe_sqlite3.so; do
    if [[ ! -f "$root/opt/kiosk/$lib" ]]; then
        result MISSING "$lib is not in the package (main does not reference its package yet)"
        continue
    fi
    if run_in_root "$root" env LD_PRELOAD="$preload" ldd -r "/opt/kiosk/$lib" && ! grep -Eq 'undefined symbol|not found' <<<"$run_out"; then
        result PASS "ldd -r $lib: all symbols resolve"
    else
        result FAIL "ldd -r $lib: $(grep -E 'undefined symbol|not found' <<<"$run_out" | head -n 3 | tr '\n' ' ')"
    fi
done

# 5. The kiosk itself, as the kiosk user.
as_kiosk=(--userspec=kiosk:kiosk "$root" env HOME=/var/lib/kiosk)
missing_command() {
    grep -Eq "Unrecognized command or argument '$1'|Required command was not provided" <<<"$run_out"
}

if run_in_root "${as_kiosk[@]}" /usr/bin/kiosk --help; then
    result PASS "kiosk --help: the .NET runtime starts on arm64"
else
    result FAIL "kiosk --help: $(head -n 2 <<<"$run_out" | tr '\n' ' ')"
fi

rm -f "$root/tmp/pass.png"
if run_in_root "${as_kiosk[@]}" /usr/bin/kiosk render --screen pass --out /tmp/pass.png; then
    if [[ "$(head -c 8 "$root/tmp/pass.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]]; then
        cp "$root/tmp/pass.png" "$work/pass-arm64.png"
        result PASS "kiosk render --screen pass: PNG of $(stat -c %s "$root/tmp/pass.png") bytes (copy: $work/pass-arm64.png)"
    else
        result FAIL "kiosk render --screen pass exited 0 but /tmp/pass.png is not a PNG"
    fi
elif missing_command render; then
    result MISSING "kiosk render: not on main yet ($(head -n 1 <<<"$run_out"))"
else
    result FAIL "kiosk render --screen pass: $(grep -m 3 -E 'error|Exception|undefined' <<<"$run_out" | tr '\n' ' ')"
fi

if run_in_root "${as_kiosk[@]}" /usr/bin/kiosk inspect "$code" "${inspect_args[@]}" --json ||
    jq -e . >/dev/null 2>&1 <<<"$run_out"; then
    if [[ ${#inspect_args[@]} -gt 0 ]] && jq -e '.signature == "valid" and .verdict == "valid"' >/dev/null 2>&1 <<<"$run_out"; then
        result PASS "kiosk inspect --trust --json: ES256 signature valid, verdict valid"
    elif [[ ${#inspect_args[@]} -gt 0 ]]; then
        result FAIL "kiosk inspect --trust --json: not verified: $(tr '\n' ' ' <<<"$run_out" | cut -c1-300)"
    elif jq -e '.base45 == true and .zlib == true and .cose == true' >/dev/null 2>&1 <<<"$run_out"; then
        result PASS "kiosk inspect --json: base45, zlib, cose decode (verdict: $(jq -r .verdict <<<"$run_out"))"
    else
        result FAIL "kiosk inspect --json: layers not decoded: $(tr '\n' ' ' <<<"$run_out" | cut -c1-200)"
    fi
elif missing_command inspect; then
    result MISSING "kiosk inspect: not on main yet ($(head -n 1 <<<"$run_out"))"
else
    result FAIL "kiosk inspect: $(head -n 2 <<<"$run_out" | tr '\n' ' ')"
fi
rm -f "$root/tmp/idle.raw"
# The kiosk plays only plain ALSA names (a device string can turn into a plugin that runs a command), so the file
# plugin is a PCM the system defines, as a site would define one: /etc/asound.conf in the arm64 root.
cat > "$root/etc/asound.conf" <<'ASOUND'
pcm.kiosk_smoke {
    type file
    slave.pcm "null"
    file "/tmp/idle.raw"
    format "raw"
}
ASOUND
if run_in_root "${as_kiosk[@]}" /usr/bin/kiosk speak idle --lang zh --device kiosk_smoke; then
    if [[ -s "$root/tmp/idle.raw" ]]; then
        result PASS "kiosk speak idle: libasound.so.2 resolves, SoundDevice played $(stat -c %s "$root/tmp/idle.raw") bytes into ALSA's file plugin"
    else
        result FAIL "kiosk speak idle exited 0 but ALSA's file plugin got no samples"
    fi
elif missing_command speak; then
    result MISSING "kiosk speak: not on main yet ($(head -n 1 <<<"$run_out"))"
else
    result FAIL "kiosk speak idle: $(grep -m 3 -E 'error|Exception|libasound' <<<"$run_out" | tr '\n' ' ')"
fi
rm -f "$root/etc/asound.conf"
phase_done "run on arm64 (qemu)"

# 7. Purge: the app, unit and config go; the data directory and the kiosk user stay (see postrm).
echo "decision-outbox" >"$root/var/lib/kiosk/smoke-data"
if run_in_root "$root" dpkg --purge kiosk && [[ ! -e "$root/opt/kiosk" && ! -e "$root/usr/bin/kiosk" && ! -e "$root/etc/kiosk" &&
    ! -e "$root/lib/systemd/system/kiosk.service" && -f "$root/var/lib/kiosk/smoke-data" ]] && run_in_root "$root" id kiosk; then
    result PASS "dpkg --purge: app, unit and config removed; /var/lib/kiosk and the kiosk user kept"
else
    result FAIL "dpkg --purge: $(tail -n 2 <<<"$run_out" | tr '\n' ' ')"
fi
rm -f "$root/var/lib/kiosk/smoke-data"

echo
echo "arm64 smoke test ($suite, qemu-aarch64-static) — log: $log"
printf '  %s\n' "${results[@]}"
echo "time:"
printf '  %s\n' "${phases[@]}"
printf '  %-28s %4d s\n' "total" $((SECONDS - total_start))

if [[ $failed -ne 0 ]]; then
    exit 1
elif [[ $missing -ne 0 ]]; then
    exit 3
fi
