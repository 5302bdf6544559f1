# shellcheck shell=bash
# Shared by the build and package scripts (deploy/raspberrypi: the kiosk; deploy/fleet: the fleet console): what
# turns src/Kiosk.Service into a publish folder and that into a Debian package with dpkg-deb only. Sourced, not run.
#
#   die MESSAGE                   prints `error: MESSAGE` on stderr, exits 2
#   build_prepare REPO RID OUT VERSION  for build.sh: sets arch (the Debian architecture of RID: linux-arm64,
#                                 linux-arm, linux-x64), out (created, absolute), project (src/Kiosk.Service) and
#                                 version (the project's when VERSION is empty); needs dotnet
#   deb_args DEFAULT_ARCH ARGS…   the scripts' arguments PUBLISH_DIR OUT_DIR VERSION [ARCH]: sets publish, out,
#                                 version, arch; checks the publish folder has an executable `kiosk` and VERSION is a
#                                 Debian version
#   deb_init ARCH                 checks ARCH (arm64, armhf, amd64), KIOSK_DEB_COMPRESSION and the tools; sets
#                                 deb_arch, deb_elf_machine, deb_compression
#   deb_stage_app PUBLISH APPDIR  copies the publish folder into the staged APPDIR: modes, no debug symbols, no
#                                 LTTng provider, of a portable publish's runtimes/ only this architecture's
#   deb_scan_depends APPDIR ROOT  adds to deb_depends the packages of every ELF file's NEEDED libraries (each must be
#                                 built for ARCH), raises deb_glibc_min; ROOT is the staging root (for messages)
#   deb_runtime_depends APPDIR APP  ICU unless APP.runtimeconfig.json is globalization-invariant; the shared
#                                 framework's package when the publish is framework-dependent
#   deb_depends_line              the Depends: value (sorted; libc6 with its minimum version)
#   deb_changelog STAGE NAME VERSION  usr/share/doc/NAME/changelog.gz: one entry for this build
#   deb_build STAGE OUT NAME VERSION  dpkg-deb --build into OUT/NAME_VERSION_ARCH.deb; prints its path
#
# The caller sets `set -euo pipefail`.

die() {
    echo "error: $*" >&2
    exit 2
}

# shellcheck disable=SC2034 # arch, out, project and version are the caller's
build_prepare() {
    local repo="$1" rid="$2"
    out="$3"
    version="$4"
    case "$rid" in
        linux-arm64) arch=arm64 ;;
        linux-arm) arch=armhf ;;
        linux-x64) arch=amd64 ;;
        *) die "unsupported runtime identifier: $rid (linux-arm64, linux-arm, linux-x64)" ;;
    esac
    command -v dotnet >/dev/null || die "dotnet not found"
    mkdir -p "$out"
    out="$(cd "$out" && pwd)"
    project="$repo/src/Kiosk.Service"
    if [[ -z "$version" ]]; then
        version="$(dotnet msbuild "$project" -nologo -getProperty:Version)"
    fi
}

# shellcheck disable=SC2034 # publish, out, version and arch are the caller's
deb_args() {
    local default_arch="$1"
    shift
    [[ $# -ge 3 && $# -le 4 ]] || die "usage: package-deb.sh PUBLISH_DIR OUT_DIR VERSION [ARCH]"
    publish="$1"
    out="$2"
    version="$3"
    arch="${4:-$default_arch}"
    [[ -d "$publish" ]] || die "publish folder not found: $publish"
    [[ -f "$publish/kiosk" && -x "$publish/kiosk" ]] || die "no executable 'kiosk' in $publish (dotnet publish src/Kiosk.Service)"
    [[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "not a Debian version: $version"
}

# Package → 1; the caller seeds it (e.g. deb_depends=([libc6]=1 [libssl3]=1)).
declare -gA deb_depends
deb_glibc_min="2.17"
deb_elf_count=0

deb_init() {
    deb_arch="$1"
    case "$deb_arch" in
        arm64) deb_elf_machine="AArch64"; deb_rid_arch="arm64" ;;
        armhf) deb_elf_machine="ARM"; deb_rid_arch="arm" ;;
        amd64) deb_elf_machine="Advanced Micro Devices X86-64"; deb_rid_arch="x64" ;;
        *) die "unsupported architecture: $deb_arch (arm64, armhf, amd64)" ;;
    esac
    deb_compression="${KIOSK_DEB_COMPRESSION:-xz}"
    case "$deb_compression" in
        xz | zstd | gzip) ;;
        *) die "KIOSK_DEB_COMPRESSION must be xz, zstd or gzip, not $deb_compression" ;;
    esac
    command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
    command -v readelf >/dev/null || die "readelf not found (apt-get install binutils)"
}

deb_stage_app() {
    local publish="$1" app="$2"
    install -d -m 0755 "$app"
    # A portable (no -r) publish carries every platform's native files under runtimes/RID/: copy those this
    # architecture's glibc Linux loads (unix, linux, linux-ARCH), not the rest (Windows, macOS, musl, other CPUs).
    find "$publish" -mindepth 1 -maxdepth 1 ! -name runtimes -exec cp -R {} "$app/" \;
    local rid
    for rid in unix linux "linux-$deb_rid_arch"; do
        if [[ -d "$publish/runtimes/$rid" ]]; then
            install -d -m 0755 "$app/runtimes"
            cp -R "$publish/runtimes/$rid" "$app/runtimes/"
        fi
    done
    chmod -R u=rwX,go=rX "$app"
    # Only programs are executable: the launcher and the runtime's own ELF programs (createdump) keep their x bit;
    # shared libraries (Debian policy 8.1), assemblies and data files lose one a build output may have given them.
    find "$app" -type f \( -name '*.so' -o -name '*.dll' -o -name '*.json' -o -name '*.xml' -o -name '*.txt' \
        -o -name '*.a' -o -name '*.dbg' -o -name '*.pdb' \) -exec chmod 0644 {} +
    # Debug symbols do not belong in the package.
    find "$app" -name '*.pdb' -delete
    # The LTTng tracepoint provider needs liblttng-ust.so.0, which Bookworm does not have (it has .so.1); the
    # runtime loads it only when present, so without it the app simply has no LTTng tracing.
    rm -f "$app/libcoreclrtraceptprovider.so"
}

# The Debian package of a NEEDED library (Bookworm).
deb_package_of() {
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

deb_scan_depends() {
    local app="$1" root="$2" file machine lib pkg v
    while IFS= read -r -d '' file; do
        readelf -h "$file" >/dev/null 2>&1 || continue
        deb_elf_count=$((deb_elf_count + 1))
        machine="$(LC_ALL=C readelf -h "$file" | sed -n 's/^ *Machine: *//p')"
        [[ "$machine" == "$deb_elf_machine" ]] || die "${file#"$root"/} is built for $machine, not $deb_arch ($deb_elf_machine): publish with the matching -r"
        while IFS= read -r lib; do
            # Libraries the app ships itself need no package (next to it, or in its runtimes/ folder).
            [[ -e "$app/$lib" || -e "$(dirname "$file")/$lib" ]] && continue
            pkg="$(deb_package_of "$lib")" || die "${file#"$root"/} needs $lib: no Debian package known for it (add it to deb_package_of in deploy/lib/deb-common.sh)"
            deb_depends[$pkg]=1
        done < <(LC_ALL=C readelf -d "$file" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p')
        while IFS= read -r v; do
            if [[ "$(printf '%s\n%s\n' "$deb_glibc_min" "$v" | sort -V | tail -n 1)" == "$v" ]]; then
                deb_glibc_min="$v"
            fi
        done < <(LC_ALL=C readelf -V "$file" | sed -n 's/.*Name: GLIBC_\([0-9.]*\).*/\1/p')
    done < <(find "$app" -type f -print0)
}

deb_runtime_depends() {
    local app="$1" name="$2"
    local runtimeconfig="$app/$name.runtimeconfig.json"
    if [[ ! -f "$runtimeconfig" ]] || ! grep -Eq '"System.Globalization.Invariant": *true' "$runtimeconfig"; then
        deb_depends[libicu72]=1
    fi
    # Framework-dependent: the shared frameworks come from Microsoft's packages (packages.microsoft.com), named
    # dotnet-runtime-X.Y and aspnetcore-runtime-X.Y (which brings the former).
    if [[ -f "$runtimeconfig" ]] && grep -q '"frameworks\?"' "$runtimeconfig"; then
        local version
        version="$(sed -n 's/.*"version": *"\([0-9]*\.[0-9]*\)\..*/\1/p' "$runtimeconfig" | head -n 1)"
        [[ -n "$version" ]] || die "$name.runtimeconfig.json names a framework without a version"
        if grep -q '"Microsoft.AspNetCore.App"' "$runtimeconfig"; then
            deb_depends["aspnetcore-runtime-$version"]=1
        else
            deb_depends["dotnet-runtime-$version"]=1
        fi
    fi
}

deb_depends_line() {
    local line="" pkg entry
    for pkg in $(printf '%s\n' "${!deb_depends[@]}" | sort); do
        entry="$pkg"
        [[ "$pkg" == libc6 ]] && entry="libc6 (>= $deb_glibc_min)"
        line="${line:+$line, }$entry"
    done
    echo "$line"
}

# A native package's changelog (Debian policy 12.7): one entry for this build, gzip -9n (reproducible).
deb_changelog() {
    local stage="$1" name="$2" version="$3" doc
    doc="$stage/usr/share/doc/$name"
    install -d -m 0755 "$doc"
    {
        echo "$name ($version) stable; urgency=medium"
        echo
        echo "  * Built from $(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")."
        echo
        echo " -- ${KIOSK_DEB_MAINTAINER:-Health-code kiosk team <kiosk@localhost>}  $(LC_ALL=C date -u -R ${SOURCE_DATE_EPOCH:+-d "@$SOURCE_DATE_EPOCH"})"
    } | gzip -9n >"$doc/changelog.gz"
    chmod 0644 "$doc/changelog.gz"
}

deb_installed_kb() {
    du -sk --apparent-size --exclude=DEBIAN "$1" | cut -f1
}

deb_build() {
    local stage="$1" out="$2" name="$3" version="$4"
    mkdir -p "$out"
    local deb="$out/${name}_${version}_${deb_arch}.deb"
    dpkg-deb --build --root-owner-group -Z"$deb_compression" "$stage" "$deb" >/dev/null
    echo "$deb"
}
