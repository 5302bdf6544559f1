#!/usr/bin/env bash
# Packages a published kiosk (dotnet publish output) as a Debian package, with dpkg-deb only.
#
#   deploy/raspberrypi/package-deb.sh PUBLISH_DIR OUT_DIR VERSION [ARCH]
#
# ARCH is the Debian architecture (default arm64); every ELF file in PUBLISH_DIR must be built for it.
# Layout: the app in /opt/kiosk, /usr/bin/kiosk -> /opt/kiosk/kiosk, the unit in
# /lib/systemd/system/kiosk.service, the default config /etc/kiosk/kiosk.json (a conffile).
# Depends: the packages that provide the NEEDED libraries of the ELF files (readelf -d), plus libssl3
# (loaded at run time by .NET's crypto), libasound2 (ALSA, P/Invoked by Iot.Device.Bindings' SoundDevice for the
# spoken prompts: no ELF file names it) and libicu72 unless the app runs with invariant globalization.
# KIOSK_DEB_COMPRESSION: xz (default, smallest), zstd (much faster to build; Bookworm's dpkg reads it) or gzip.
# Needs: dpkg-deb, readelf (binutils), and jq when PUBLISH_DIR has an appsettings.json. What it shares with the fleet
# console's package (deploy/fleet/package-deb.sh) is in deploy/lib/deb-common.sh.
# Prints the path of the .deb on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck source=deploy/lib/deb-common.sh
. "$here/../lib/deb-common.sh"

deb_args arm64 "$@"
deb_init "$arch"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# mktemp makes 0700; the package root must be 0755.
chmod 0755 "$stage"

# The app.
install -d -m 0755 "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/kiosk" \
    "$stage/usr/share/doc/kiosk" "$stage/DEBIAN"
deb_stage_app "$publish" "$stage/opt/kiosk"
ln -s /opt/kiosk/kiosk "$stage/usr/bin/kiosk"

install -m 0644 "$here/kiosk.service" "$stage/lib/systemd/system/kiosk.service"
if [[ -f "$here/README.md" ]]; then
    install -m 0644 "$here/README.md" "$stage/usr/share/doc/kiosk/README.md"
fi
deb_changelog "$stage" kiosk "$version"

# The default config. The kiosk reads /opt/kiosk/appsettings.json (the app's defaults, refreshed by every
# package update) and then this file, so this file holds only what a technician sets: the Kiosk section of
# appsettings.json with the identity left to fill in. Copying every section here would freeze the defaults
# of the version first installed (a conffile the technician edited is never replaced).
# JSON has no comments: "_comment".
comment="Kiosk configuration, read by: kiosk run --config /etc/kiosk/kiosk.json. Set Kiosk.Site and Kiosk.KioskId (1-64 characters of A-Z a-z 0-9 _ . -); the kiosk refuses to start until they are set. Then: systemctl restart kiosk. The defaults of every setting are in /opt/kiosk/appsettings.json (refreshed by package updates): copy here only what this kiosk changes. See /usr/share/doc/kiosk/README.md. Keys starting with _ are comments."
placeholder="SET ME"
config="$stage/etc/kiosk/kiosk.json"
if [[ -f "$publish/appsettings.json" ]]; then
    command -v jq >/dev/null || die "jq not found (apt-get install jq): needed to derive kiosk.json from appsettings.json"
    jq --arg comment "$comment" --arg unset "$placeholder" '
        [keys_unsorted[] | select(. != "Kiosk" and (startswith("_") | not))] as $others
        | {_comment: ($comment + if ($others | length) > 0 then " Sections with defaults there: " + ($others | join(", ")) + "." else "" end),
           Kiosk: ((.Kiosk // {}) + {Site: $unset, KioskId: $unset, DataDirectory: "/var/lib/kiosk"})}' \
        "$publish/appsettings.json" >"$config" || die "appsettings.json in $publish is not valid JSON"
else
    cat >"$config" <<JSON
{
  "_comment": "$comment",
  "Kiosk": {
    "Site": "$placeholder",
    "KioskId": "$placeholder",
    "DataDirectory": "/var/lib/kiosk"
  }
}
JSON
fi
chmod 0644 "$config"

# Dependencies: the packages of the ELF files' NEEDED libraries (deb-common.sh), and these.
# libasound2: libasound.so.2, P/Invoked (never NEEDED) by the voice's SoundDevice.
# fonts-noto-cjk: the full CJK face names are drawn with when the shipped subset lacks a character (GB 18030 levels
# 2-3, Extension B surnames), found by Skia's font manager (the NoDependencies build scans /usr/share/fonts).
deb_depends=([libc6]=1 [libssl3]=1 [libasound2]=1 [fonts-noto-cjk]=1)
deb_scan_depends "$stage/opt/kiosk" "$stage"

# Libraries loaded at run time (dlopen), which no NEEDED entry names: System.Device.Gpio drives the GPIO chip
# through libgpiod (Bookworm: libgpiod2, libgpiod.so.2), on every Pi and the only way on the Pi 5's RP1.
if [[ -f "$stage/opt/kiosk/System.Device.Gpio.dll" ]]; then
    deb_depends[libgpiod2]=1
fi

deb_runtime_depends "$stage/opt/kiosk" kiosk
depends_line="$(deb_depends_line)"
elf_count=$deb_elf_count
# useradd and usermod in the postinst.
depends_line="$depends_line, passwd"

installed_kb="$(deb_installed_kb "$stage")"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: kiosk
Version: $version
Architecture: $arch
Maintainer: ${KIOSK_DEB_MAINTAINER:-Health-code kiosk team <kiosk@localhost>}
Installed-Size: $installed_kb
Depends: $depends_line
Recommends: rpicam-apps-lite | rpicam-apps, systemd-timesyncd | time-daemon
Section: misc
Priority: optional
Description: Health-code checkpoint kiosk
 Reads a visitor's signed health-code QR with the camera, verifies it offline,
 looks up the cached color feed, measures forehead temperature (MLX90614 on
 I2C), shows PASS or REFER and drives the gate, reporting to the fleet over
 MQTT. Self-contained .NET build in /opt/kiosk; runs as the kiosk.service
 systemd unit with a watchdog. Configuration: /etc/kiosk/kiosk.json.
CONTROL
echo "/etc/kiosk/kiosk.json" >"$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    install -m 0755 "$here/debian/$script" "$stage/DEBIAN/$script"
done

deb="$(deb_build "$stage" "$out" kiosk "$version")"
echo "packaged $deb ($elf_count ELF files; Depends: $depends_line)" >&2
echo "$deb"
