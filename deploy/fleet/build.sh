#!/usr/bin/env bash
# Builds the fleet manager's console (kiosk fleet serve and the terminal commands) and packages it as kiosk-fleet:
#
#   deploy/fleet/build.sh [--out DIR] [--version VERSION] [--rid RID] [--framework-dependent]
#
#   --out DIR              output folder (default: artifacts/ at the repository root)
#   --version VERSION      package version (default: <Version> of src/Kiosk.Service, from Directory.Build.props)
#   --rid RID              runtime identifier: linux-x64 (default) or linux-arm64
#   --framework-dependent  publish without the .NET runtime: the package then depends on Microsoft's
#                          aspnetcore-runtime-X.Y (packages.microsoft.com); default self-contained, needing nothing
#
# Produces DIR/publish/kiosk-fleet-RID/ (dotnet publish of src/Kiosk.Service with -p:KioskFleetWeb=true, the web
# console the kiosk's own package leaves out) and DIR/kiosk-fleet_VERSION_ARCH.deb (see package-deb.sh). No ReadyToRun:
# a server starts it once. Trimming stays off (reflection: configuration binder, ASP.NET Core, MQTTnet).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

# shellcheck source=deploy/lib/deb-common.sh
. "$here/../lib/deb-common.sh"

out="$repo/artifacts"
version=""
rid="linux-x64"
self_contained=true
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) [[ $# -ge 2 ]] || die "--out needs a folder"; out="$2"; shift 2 ;;
        --version) [[ $# -ge 2 ]] || die "--version needs a value"; version="$2"; shift 2 ;;
        --rid) [[ $# -ge 2 ]] || die "--rid needs a runtime identifier"; rid="$2"; shift 2 ;;
        --framework-dependent) self_contained=false; shift ;;
        -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

build_prepare "$repo" "$rid" "$out" "$version"

publish="$out/publish/kiosk-fleet-$rid"
rm -rf "$publish"
started=$SECONDS
dotnet publish "$project" -nologo -c Release -r "$rid" --self-contained "$self_contained" \
    -p:PublishReadyToRun=false -p:PublishTrimmed=false -p:DebugType=none -p:KioskFleetWeb=true -o "$publish"
echo "published kiosk-fleet for $rid (self-contained: $self_contained) in $((SECONDS - started)) s: $publish" >&2

"$here/package-deb.sh" "$publish" "$out" "$version" "$arch"
