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
# Needs: dpkg-deb, readelf (binutils), and jq when PUBLISH_DIR has an appsettings.json.
# Prints the path of the .deb on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() {
    echo "error: $*" >&2
    exit 2
}

[[ $# -ge 3 && $# -le 4 ]] || die "usage: package-deb.sh PUBLISH_DIR OUT_DIR VERSION [ARCH]"
publish="$1"
out="$2"
version="$3"
arch="${4:-arm64}"

[[ -d "$publish" ]] || die "publish folder not found: $publish"
[[ -f "$publish/kiosk" && -x "$publish/kiosk" ]] || die "no executable 'kiosk' in $publish (dotnet publish src/Kiosk.Service)"
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "not a Debian version: $version"
case "$arch" in
    arm64) elf_machine="AArch64" ;;
    armhf) elf_machine="ARM" ;;
    amd64) elf_machine="Advanced Micro Devices X86-64" ;;
    *) die "unsupported architecture: $arch (arm64, armhf, amd64)" ;;
esac
compression="${KIOSK_DEB_COMPRESSION:-xz}"
case "$compression" in
    xz | zstd | gzip) ;;
    *) die "KIOSK_DEB_COMPRESSION must be xz, zstd or gzip, not $compression" ;;
esac
command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
command -v readelf >/dev/null || die "readelf not found (apt-get install binutils)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
# mktemp makes 0700; the package root must be 0755.
chmod 0755 "$stage"

# The app.
install -d -m 0755 "$stage/opt/kiosk" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/kiosk" \
    "$stage/usr/share/doc/kiosk" "$stage/DEBIAN"
cp -R "$publish/." "$stage/opt/kiosk/"
chmod -R u=rwX,go=rX "$stage/opt/kiosk"
# Shared libraries are not programs (Debian policy 8.1).
find "$stage/opt/kiosk" -name '*.so' -exec chmod 0644 {} +
# Debug symbols do not belong on the kiosk.
find "$stage/opt/kiosk" -name '*.pdb' -delete
# The LTTng tracepoint provider needs liblttng-ust.so.0, which Bookworm does not have (it has .so.1); the
# runtime loads it only when present, so without it the kiosk simply has no LTTng tracing.
rm -f "$stage/opt/kiosk/libcoreclrtraceptprovider.so"
ln -s /opt/kiosk/kiosk "$stage/usr/bin/kiosk"

install -m 0644 "$here/kiosk.service" "$stage/lib/systemd/system/kiosk.service"
if [[ -f "$here/README.md" ]]; then
    install -m 0644 "$here/README.md" "$stage/usr/share/doc/kiosk/README.md"
fi

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

# Dependencies from the ELF files' NEEDED entries.
package_of() {
    case "$1" in
        libc.so.6 | libm.so.6 | libdl.so.2 | libpthread.so.0 | librt.so.1 | ld-linux-*.so.* | libresolv.so.2) echo libc6 ;;
        libstdc++.so.6) echo libstdc++6 ;;
        libgcc_s.so.1) echo libgcc-s1 ;;
        libz.so.1) echo zlib1g ;;
        libssl.so.3 | libcrypto.so.3) echo libssl3 ;;
        libuuid.so.1) echo libuuid1 ;;
        libfontconfig.so.1) echo libfontconfig1 ;;
        libfreetype.so.6) echo libfreetype6 ;;
        libexpat.so.1) echo libexpat1 ;;
        libicuuc.so.72 | libicui18n.so.72 | libicudata.so.72) echo libicu72 ;;
        libgpiod.so.2) echo libgpiod2 ;;
        *) return 1 ;;
    esac
}

# libasound2: libasound.so.2, P/Invoked (never NEEDED) by the voice's SoundDevice.
# fonts-noto-cjk: the full CJK face names are drawn with when the shipped subset lacks a character (GB 18030 levels
# 2-3, Extension B surnames), found by Skia's font manager (the NoDependencies build scans /usr/share/fonts).
declare -A depends=([libc6]=1 [libssl3]=1 [libasound2]=1 [fonts-noto-cjk]=1)
glibc_min="2.17"
elf_count=0
while IFS= read -r -d '' file; do
    readelf -h "$file" >/dev/null 2>&1 || continue
    elf_count=$((elf_count + 1))
    machine="$(LC_ALL=C readelf -h "$file" | sed -n 's/^ *Machine: *//p')"
    [[ "$machine" == "$elf_machine" ]] || die "${file#"$stage"/} is built for $machine, not $arch ($elf_machine): publish with the matching -r"
    while IFS= read -r lib; do
        # Libraries the app ships itself need no package.
        [[ -e "$stage/opt/kiosk/$lib" ]] && continue
        pkg="$(package_of "$lib")" || die "${file#"$stage"/} needs $lib: no Debian package known for it (add it to package_of in package-deb.sh)"
        depends[$pkg]=1
    done < <(LC_ALL=C readelf -d "$file" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p')
    while IFS= read -r v; do
        if [[ "$(printf '%s\n%s\n' "$glibc_min" "$v" | sort -V | tail -n 1)" == "$v" ]]; then
            glibc_min="$v"
        fi
    done < <(LC_ALL=C readelf -V "$file" | sed -n 's/.*Name: GLIBC_\([0-9.]*\).*/\1/p')
done < <(find "$stage/opt/kiosk" -type f -print0)

# Libraries loaded at run time (dlopen), which no NEEDED entry names: System.Device.Gpio drives the GPIO chip
# through libgpiod (Bookworm: libgpiod2, libgpiod.so.2), on every Pi and the only way on the Pi 5's RP1.
if [[ -f "$stage/opt/kiosk/System.Device.Gpio.dll" ]]; then
    depends[libgpiod2]=1
fi

runtimeconfig="$stage/opt/kiosk/kiosk.runtimeconfig.json"
if [[ ! -f "$runtimeconfig" ]] || ! grep -Eq '"System.Globalization.Invariant": *true' "$runtimeconfig"; then
    depends[libicu72]=1
fi

depends_line=""
for pkg in $(printf '%s\n' "${!depends[@]}" | sort); do
    entry="$pkg"
    [[ "$pkg" == libc6 ]] && entry="libc6 (>= $glibc_min)"
    depends_line="${depends_line:+$depends_line, }$entry"
done
# useradd and usermod in the postinst.
depends_line="$depends_line, passwd"

installed_kb="$(du -sk --apparent-size --exclude=DEBIAN "$stage" | cut -f1)"
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

mkdir -p "$out"
deb="$out/kiosk_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group -Z"$compression" "$stage" "$deb" >/dev/null
echo "packaged $deb ($elf_count ELF files; Depends: $depends_line)" >&2
echo "$deb"
