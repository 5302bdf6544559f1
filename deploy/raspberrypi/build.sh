#!/usr/bin/env bash
# Builds the kiosk for a Raspberry Pi (64-bit Raspberry Pi OS / Debian Bookworm) and packages it:
#
#   deploy/raspberrypi/build.sh [--out DIR] [--version VERSION] [--rid RID] [--no-r2r]
#
#   --out DIR          output folder (default: artifacts/ at the repository root)
#   --version VERSION  package version (default: <Version> of src/Kiosk.Service, from Directory.Build.props)
#   --rid RID          runtime identifier: linux-arm64 (default), linux-arm, linux-x64
#   --no-r2r           publish without ReadyToRun (faster build, slower start)
#
# Produces DIR/publish/RID/ (self-contained dotnet publish of src/Kiosk.Service, as main holds it now)
# and DIR/kiosk_VERSION_ARCH.deb (see package-deb.sh). ReadyToRun cross-compiles with crossgen2 for the
# build machine (the microsoft.netcore.app.crossgen2.<host-rid> package, restored from NuGet); if that
# fails the build falls back to a JIT-only publish and says so. Trimming stays off: the configuration
# binder, options validation (DataAnnotations) and the MQTT/CBOR libraries use reflection, and trim
# warnings are errors in this repository.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

# shellcheck source=deploy/lib/deb-common.sh
. "$here/../lib/deb-common.sh"

out="$repo/artifacts"
version=""
rid="linux-arm64"
r2r=true
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) [[ $# -ge 2 ]] || die "--out needs a folder"; out="$2"; shift 2 ;;
        --version) [[ $# -ge 2 ]] || die "--version needs a value"; version="$2"; shift 2 ;;
        --rid) [[ $# -ge 2 ]] || die "--rid needs a runtime identifier"; rid="$2"; shift 2 ;;
        --no-r2r) r2r=false; shift ;;
        -h | --help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

build_prepare "$repo" "$rid" "$out" "$version"

publish="$out/publish/$rid"
rm -rf "$publish"

# -p:KioskFleetWeb=false: the web console (kiosk fleet serve, ASP.NET Core, about 27 MB) is not for the kiosk (docs/fleet-web.md).
publish_app() {
    dotnet publish "$project" -nologo -c Release -r "$rid" --self-contained \
        -p:PublishReadyToRun="$1" -p:PublishTrimmed=false -p:DebugType=none -p:KioskFleetWeb=false -o "$publish"
}

started=$SECONDS
if [[ "$r2r" == true ]]; then
    if ! publish_app true; then
        echo "warning: ReadyToRun publish for $rid failed (crossgen2 for this build machine?); publishing without ReadyToRun: the kiosk will start slower" >&2
        rm -rf "$publish"
        r2r=false
        publish_app false
    fi
else
    publish_app false
fi
echo "published $rid (ReadyToRun: $r2r) in $((SECONDS - started)) s: $publish" >&2

# The native libraries the kiosk loads must be there, for the target architecture.
if command -v readelf >/dev/null; then
    case "$arch" in
        arm64) machine="AArch64" ;;
        armhf) machine="ARM" ;;
        amd64) machine="Advanced Micro Devices X86-64" ;;
    esac
    for lib in libSkiaSharp.so libe_sqlite3.so libcoreclr.so libSystem.Native.so; do
        if [[ ! -f "$publish/$lib" ]]; then
            # SkiaSharp and SQLite arrive with the features that use them: say so, do not fail.
            echo "note: $lib is not in the publish folder (does main reference its package yet?)" >&2
            continue
        fi
        found="$(LC_ALL=C readelf -h "$publish/$lib" | sed -n 's/^ *Machine: *//p')"
        [[ "$found" == "$machine" ]] || die "$lib in $publish is built for $found, not $arch"
        echo "native: $lib ($found)" >&2
    done
fi

{
    echo "version=$version"
    echo "rid=$rid"
    echo "readytorun=$r2r"
    echo "commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "sdk=$(dotnet --version)"
} >"$out/build-info-$rid.txt"

"$here/package-deb.sh" "$publish" "$out" "$version" "$arch"
