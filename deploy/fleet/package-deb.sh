#!/usr/bin/env bash
# Packages a published fleet console (dotnet publish of src/Kiosk.Service with the web console) as kiosk-fleet, a
# Debian package for the fleet manager's server or PC, with dpkg-deb only.
#
#   deploy/fleet/package-deb.sh PUBLISH_DIR OUT_DIR VERSION [ARCH]
#
# ARCH is the Debian architecture (default amd64; arm64 too); every ELF file in PUBLISH_DIR must be built for it. A
# self-contained publish needs nothing else; a framework-dependent one depends on Microsoft's aspnetcore-runtime-X.Y
# (packages.microsoft.com). A portable publish (no -r) is fine: only this architecture's runtimes/ are packaged.
# Layout: the app in /opt/kiosk-fleet, /usr/bin/kiosk-fleet -> /opt/kiosk-fleet/kiosk, the unit in
# /lib/systemd/system/kiosk-fleet.service (`kiosk fleet serve` as the kiosk-fleet user), the conffiles
# /etc/kiosk-fleet/kiosk-fleet.json (the broker) and /etc/kiosk-fleet/kiosk-fleet.env (listen address, secrets); the
# users file /etc/kiosk-fleet/users.json is written by `kiosk-fleet fleet user add`.
# What it shares with the kiosk's package (deploy/raspberrypi/package-deb.sh) is in deploy/lib/deb-common.sh.
# KIOSK_DEB_COMPRESSION: xz (default), zstd or gzip. Needs: dpkg-deb, readelf (binutils).
# Prints the path of the .deb on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck source=deploy/lib/deb-common.sh
. "$here/../lib/deb-common.sh"

deb_args amd64 "$@"
[[ -f "$publish/Kiosk.FleetWeb.dll" ]] || die "no web console in $publish: it was published with -p:KioskFleetWeb=false (the kiosk's build); publish with deploy/fleet/build.sh"
deb_init "$arch"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# mktemp makes 0700; the package root must be 0755.
chmod 0755 "$stage"

install -d -m 0755 "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/kiosk-fleet" \
    "$stage/usr/share/doc/kiosk-fleet" "$stage/DEBIAN"
deb_stage_app "$publish" "$stage/opt/kiosk-fleet"
ln -s /opt/kiosk-fleet/kiosk "$stage/usr/bin/kiosk-fleet"

install -m 0644 "$here/kiosk-fleet.service" "$stage/lib/systemd/system/kiosk-fleet.service"
install -m 0644 "$here/kiosk-fleet.json" "$stage/etc/kiosk-fleet/kiosk-fleet.json"
install -m 0644 "$here/kiosk-fleet.env" "$stage/etc/kiosk-fleet/kiosk-fleet.env"
install -m 0644 "$here/README.md" "$stage/usr/share/doc/kiosk-fleet/README.md"
deb_changelog "$stage" kiosk-fleet "$version"

# Dependencies: the packages of the ELF files' NEEDED libraries, ICU unless globalization-invariant, the shared
# framework when framework-dependent (deb-common.sh), libssl3 (loaded at run time by .NET's crypto: TLS to the broker
# and HTTPS).
deb_depends=([libc6]=1 [libssl3]=1)
deb_scan_depends "$stage/opt/kiosk-fleet" "$stage"
deb_runtime_depends "$stage/opt/kiosk-fleet" kiosk
# useradd in the postinst.
depends_line="$(deb_depends_line), passwd"

if grep -q '"frameworks\?"' "$stage/opt/kiosk-fleet/kiosk.runtimeconfig.json" 2>/dev/null; then
    build="Framework-dependent .NET build (needs aspnetcore-runtime)"
else
    build="Self-contained .NET build"
fi

cat >"$stage/DEBIAN/control" <<CONTROL
Package: kiosk-fleet
Version: $version
Architecture: $deb_arch
Maintainer: ${KIOSK_DEB_MAINTAINER:-Health-code kiosk team <kiosk@localhost>}
Installed-Size: $(deb_installed_kb "$stage")
Depends: $depends_line
Section: net
Priority: optional
Description: Health-code kiosk fleet web console
 The fleet manager's web page on the kiosks' MQTT broker (kiosk fleet serve):
 the kiosk table live, alerts, a page per kiosk with telemetry charts, the
 screenshot and self-test, configuration, and audited operator actions (open
 a gate, restart, resync) behind sign-in with viewer and operator roles.
 Runs on a server or PC, never on a kiosk. The kiosk-fleet.service unit
 runs it as the kiosk-fleet user; the terminal commands (kiosk-fleet fleet
 status, watch, send, config) come with it.
 .
 $build, in /opt/kiosk-fleet.
CONTROL
printf '%s\n' /etc/kiosk-fleet/kiosk-fleet.json /etc/kiosk-fleet/kiosk-fleet.env >"$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    install -m 0755 "$here/debian/$script" "$stage/DEBIAN/$script"
done

deb="$(deb_build "$stage" "$out" kiosk-fleet "$version")"
echo "packaged $deb ($deb_elf_count ELF files; Depends: $depends_line)" >&2
echo "$deb"
