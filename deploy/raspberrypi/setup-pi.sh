#!/usr/bin/env bash
# Prepares a Raspberry Pi (Raspberry Pi OS Lite, Bookworm, 64-bit) for the kiosk. Run as root on the Pi:
#
#   sudo ./setup-pi.sh [--deb kiosk_X_arm64.deb] [--display hdmi|spi-fbtft|spi-userspace]
#                      [--audio jack|hdmi|usb|none]
#                      [--dc-pin N] [--reset-pin N] [--rotate DEG] [--ntp SERVER ...]
#                      [--uart-reader] [--keep-console] [--read-only --data LABEL|DEVICE]
#                      [--boot-dir DIR] [--no-system]
#
#   --deb FILE          install the kiosk package (apt resolves its Depends)
#   --display           hdmi (default; KMS), spi-fbtft (ILI9341 on SPI0 through the kernel's fbtft overlay:
#                       /dev/fb1), spi-userspace (SPI on, the kiosk drives the ILI9341 through /dev/spidev0.0)
#   --audio             where the spoken prompts come out: jack (default; the 3.5 mm jack, snd_bcm2835), hdmi
#                       (the HDMI screen's speakers, vc4-hdmi through KMS), usb (the first USB sound card, which must
#                       be plugged in), none (the kiosk does not speak). Sets Voice:Device (or Voice:Enabled=false)
#                       in the drop-in /etc/systemd/system/kiosk.service.d/voice.conf; try it: kiosk speak idle
#   --dc-pin, --reset-pin, --rotate   ILI9341 wiring for spi-fbtft (default 24, 25, 90)
#   --ntp SERVER        time server(s) for systemd-timesyncd (default: the distribution's pool)
#   --uart-reader       the ID card reader is on the Pi's UART (GPIO 14 TXD, 15 RXD): enable_uart=1 (Pi 5: uart0),
#                       no serial console or login on it; configure Identity:Port /dev/serial0 (Pi 5: /dev/ttyAMA0)
#   --keep-console      keep the login prompt on tty1 (default: masked, so it does not draw over the kiosk screen)
#   --read-only         root file system read-only (overlayfs through raspi-config) with /var/lib/kiosk on a
#                       separate writable partition, given by --data (a file system LABEL or a /dev path;
#                       it must exist and be formatted: this script never formats anything)
#   --boot-dir DIR      the firmware partition (default /boot/firmware, else /boot)
#   --no-system         only edit config.txt and cmdline.txt (no packages, services, fstab): for tests and images
#
# Idempotent: the settings live in one marked block of config.txt that each run replaces, and cmdline.txt
# options are added once. Reboot afterwards.
set -euo pipefail

die() {
    echo "error: $*" >&2
    exit 2
}

deb=""
display=hdmi
audio=jack
dc_pin=24
reset_pin=25
rotate=90
ntp=()
keep_console=false
uart_reader=false
read_only=false
data=""
boot_dir=""
system=true
while [[ $# -gt 0 ]]; do
    case "$1" in
        --deb) [[ $# -ge 2 ]] || die "--deb needs a file"; deb="$2"; shift 2 ;;
        --display) [[ $# -ge 2 ]] || die "--display needs hdmi, spi-fbtft or spi-userspace"; display="$2"; shift 2 ;;
        --audio) [[ $# -ge 2 ]] || die "--audio needs jack, hdmi, usb or none"; audio="$2"; shift 2 ;;
        --dc-pin) [[ $# -ge 2 ]] || die "--dc-pin needs a GPIO number"; dc_pin="$2"; shift 2 ;;
        --reset-pin) [[ $# -ge 2 ]] || die "--reset-pin needs a GPIO number"; reset_pin="$2"; shift 2 ;;
        --rotate) [[ $# -ge 2 ]] || die "--rotate needs 0, 90, 180 or 270"; rotate="$2"; shift 2 ;;
        --ntp) [[ $# -ge 2 ]] || die "--ntp needs a server"; ntp+=("$2"); shift 2 ;;
        --uart-reader) uart_reader=true; shift ;;
        --keep-console) keep_console=true; shift ;;
        --read-only) read_only=true; shift ;;
        --data) [[ $# -ge 2 ]] || die "--data needs a file system label or device"; data="$2"; shift 2 ;;
        --boot-dir) [[ $# -ge 2 ]] || die "--boot-dir needs a folder"; boot_dir="$2"; shift 2 ;;
        --no-system) system=false; shift ;;
        -h | --help) sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

case "$display" in
    hdmi | spi-fbtft | spi-userspace) ;;
    *) die "--display must be hdmi, spi-fbtft or spi-userspace, not $display" ;;
esac
case "$audio" in
    jack | hdmi | usb | none) ;;
    *) die "--audio must be jack, hdmi, usb or none, not $audio" ;;
esac
[[ "$dc_pin" =~ ^[0-9]+$ && "$reset_pin" =~ ^[0-9]+$ ]] || die "--dc-pin and --reset-pin are GPIO numbers"
[[ "$rotate" =~ ^(0|90|180|270)$ ]] || die "--rotate must be 0, 90, 180 or 270"
if [[ "$read_only" == true && -z "$data" ]]; then
    die "--read-only needs --data LABEL|DEVICE: the kiosk's data must live on a writable partition"
fi
if [[ -z "$boot_dir" ]]; then
    if [[ -f /boot/firmware/config.txt ]]; then boot_dir=/boot/firmware; else boot_dir=/boot; fi
fi
config="$boot_dir/config.txt"
cmdline="$boot_dir/cmdline.txt"
[[ -f "$config" ]] || die "no $config (is this a Raspberry Pi? use --boot-dir)"
[[ -f "$cmdline" ]] || die "no $cmdline (use --boot-dir)"
if [[ "$system" == true ]]; then
    [[ $EUID -eq 0 ]] || die "run as root (sudo)"
    [[ -z "$deb" || -f "$deb" ]] || die "no such package: $deb"
fi

say() { echo "setup-pi: $*"; }
uart_note=""
if [[ "$uart_reader" == true ]]; then uart_note=yes; fi

# --- config.txt: one marked block, replaced on each run --------------------------------------------------
begin="# >>> kiosk (deploy/raspberrypi/setup-pi.sh) >>>"
end="# <<< kiosk <<<"
block="$(
    echo "$begin"
    echo "# Settings after this line override earlier ones. Edit with setup-pi.sh, not by hand."
    echo "[all]"
    echo "# I2C for the MLX90614 thermometer: SMBus, which the sensor allows up to 100 kHz."
    echo "dtparam=i2c_arm=on"
    echo "dtparam=i2c_arm_baudrate=100000"
    echo "# Camera module found by the firmware (libcamera, rpicam-vid); a USB camera needs nothing."
    echo "camera_auto_detect=1"
    case "$display" in
        hdmi)
            echo "# HDMI screen through KMS; no black border."
            echo "dtoverlay=vc4-kms-v3d"
            echo "disable_overscan=1"
            ;;
        spi-fbtft)
            echo "# ILI9341 SPI panel through the kernel's fbtft driver: /dev/fb1."
            echo "dtparam=spi=on"
            echo "dtoverlay=fbtft,spi0-0,ili9341,dc_pin=$dc_pin,reset_pin=$reset_pin,rotate=$rotate,speed=32000000"
            ;;
        spi-userspace)
            echo "# ILI9341 SPI panel driven by the kiosk itself (Iot.Device.Ili934x) through /dev/spidev0.0."
            echo "dtparam=spi=on"
            ;;
    esac
    case "$audio" in
        jack)
            echo "# Spoken prompts on the 3.5 mm jack (snd_bcm2835, ALSA card Headphones)."
            echo "dtparam=audio=on"
            ;;
        hdmi) echo "# Spoken prompts on HDMI (vc4-hdmi, needs the KMS driver: dtoverlay=vc4-kms-v3d)." ;;
        usb) echo "# Spoken prompts on a USB sound card (found by name at setup)." ;;
        none) echo "# No spoken prompts." ;;
    esac
    if [[ "$uart_reader" == true ]]; then
        echo "# ID card reader on the UART, GPIO 14 (TXD) and 15 (RXD): /dev/serial0; on a Pi 5 UART0, /dev/ttyAMA0."
        echo "enable_uart=1"
        echo "[pi5]"
        echo "dtparam=uart0=on"
        echo "[all]"
    fi
    echo "$end"
)"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
awk -v begin="$begin" -v end="$end" '
    $0 == begin { skipping = 1; next }
    $0 == end { skipping = 0; next }
    !skipping { print }
' "$config" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp"
{
    cat "$tmp"
    echo
    echo "$block"
} >"$config.kiosk-new"
mv "$config.kiosk-new" "$config"
say "config.txt: I2C at 100 kHz, camera, display $display, sound $audio${uart_note:+, UART for the ID card reader}"

# --- cmdline.txt: one line; add each option once -----------------------------------------------------
line="$(head -n 1 "$cmdline")"
for option in consoleblank=0 vt.global_cursor_default=0; do
    key="${option%%=*}"
    if [[ " $line " == *" $key="* ]]; then
        # Replace a different value of the same option.
        line="$(sed -E "s/(^| )${key//./\\.}=[^ ]*/\\1$option/" <<<"$line")"
    else
        line="$line $option"
    fi
done
if [[ "$uart_reader" == true ]]; then
    # The reader owns the UART: no kernel console on it (console=serial0,115200 and its aliases).
    line="$(sed -E 's/(^| )console=(serial0|ttyAMA0|ttyS0)(,[^ ]*)?( |$)/\1\4/g; s/  +/ /g; s/^ //; s/ $//' <<<"$line")"
fi
printf '%s\n' "$line" >"$cmdline"
say "cmdline.txt: console never blanks, no cursor on the kiosk screen${uart_note:+, no serial console}"

# --- the kiosk's sound device (Voice:Device); written below, in system mode -------------------------------
voice_setting=""
case "$audio" in
    jack) voice_setting="KIOSK_Voice__Device=default:CARD=Headphones" ;;
    hdmi) voice_setting="KIOSK_Voice__Device=default:CARD=vc4hdmi0" ;;
    none) voice_setting="KIOSK_Voice__Enabled=false" ;;
    usb)
        if [[ "$system" == true ]]; then
            # /proc/asound/cards: " 1 [Device         ]: USB-Audio - USB Audio Device"
            card="$(sed -n 's/^ *[0-9][0-9]* \[\([^] ]*\) *\]: USB-Audio.*/\1/p' /proc/asound/cards 2>/dev/null | head -n 1)"
            [[ -n "$card" ]] || die "--audio usb: no USB sound card in /proc/asound/cards (plug the speaker in and run again)"
            voice_setting="KIOSK_Voice__Device=default:CARD=$card"
        fi
        ;;
esac

if [[ "$system" == false ]]; then
    say "done (--no-system: boot files only${voice_setting:+; in system mode the kiosk would get $voice_setting})"
    exit 0
fi

# --- packages, time, console, data partition -----------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
if [[ -n "$deb" ]]; then
    apt-get update
    apt-get install -y "$(realpath "$deb")"
    say "installed $(dpkg-query -W -f '${Package} ${Version}' kiosk)"
fi

# The kiosk refuses codes and color data when its clock is behind the feed (clock_fault), so a Pi without
# an RTC must sync its clock; it does not wait for sync to start (it must work offline).
if ! dpkg-query -W -f '${Status}' systemd-timesyncd 2>/dev/null | grep -q "install ok installed"; then
    apt-get install -y systemd-timesyncd
fi
if [[ ${#ntp[@]} -gt 0 ]]; then
    mkdir -p /etc/systemd/timesyncd.conf.d
    printf '[Time]\nNTP=%s\n' "${ntp[*]}" >/etc/systemd/timesyncd.conf.d/kiosk.conf
fi
systemctl enable --now systemd-timesyncd.service
timedatectl set-ntp true
say "time: systemd-timesyncd${ntp[*]:+ (${ntp[*]})}"

if [[ "$uart_reader" == true ]]; then
    # No login prompt on the reader's line either (a getty would answer the module's bytes).
    systemctl mask serial-getty@ttyS0.service serial-getty@ttyAMA0.service serial-getty@serial0.service
    say "UART: serial console and login masked; the kiosk user reaches the reader through the dialout group"
fi
# Voice: a drop-in, so that the package's unit stays as shipped. It overrides Voice:Device of kiosk.json;
# config/desired still changes it at run time.
mkdir -p /etc/systemd/system/kiosk.service.d
printf '[Service]\nEnvironment=%s\n' "$voice_setting" >/etc/systemd/system/kiosk.service.d/voice.conf
systemctl daemon-reload
say "sound: $audio ($voice_setting); check it with: kiosk speak idle"

if [[ "$keep_console" == false ]]; then
    systemctl mask getty@tty1.service
    say "tty1: login prompt masked (the kiosk owns the screen; use ssh or --keep-console)"
fi

if [[ "$read_only" == true ]]; then
    if [[ "$data" == /dev/* ]]; then
        source_spec="$data"
        [[ -b "$data" ]] || die "no such block device: $data"
    else
        source_spec="LABEL=$data"
        blkid -L "$data" >/dev/null || die "no file system labelled $data (make and format the data partition first, see the README)"
    fi
    fstype="$(blkid -o value -s TYPE "$(blkid -L "$data" 2>/dev/null || echo "$data")")"
    [[ -n "$fstype" ]] || die "$data has no file system"
    # fstab and the drop-in are written before the overlay is enabled, so they persist.
    sed -i '\#[[:space:]]/var/lib/kiosk[[:space:]]#d' /etc/fstab
    echo "$source_spec /var/lib/kiosk $fstype defaults,noatime,nofail 0 2" >>/etc/fstab
    mkdir -p /var/lib/kiosk /etc/systemd/system/kiosk.service.d
    # nofail keeps the Pi booting without the partition; the kiosk then does not start (a visible fault)
    # rather than writing its data to the overlay, where a reboot would lose it.
    printf '[Unit]\nRequiresMountsFor=/var/lib/kiosk\n' >/etc/systemd/system/kiosk.service.d/data-partition.conf
    systemctl daemon-reload
    mount /var/lib/kiosk 2>/dev/null || true
    if getent passwd kiosk >/dev/null; then
        chown kiosk:kiosk /var/lib/kiosk
    fi
    command -v raspi-config >/dev/null || die "raspi-config not found: cannot enable the overlay file system"
    raspi-config nonint enable_overlayfs
    say "read-only root (overlayfs) from the next boot; /var/lib/kiosk on $source_spec ($fstype)"
    say "to change the system later: sudo raspi-config nonint disable_overlayfs, reboot, change, enable again"
fi

say "done: reboot now (sudo reboot)"
if [[ -f /etc/kiosk/kiosk.json ]] && grep -q '"SET ME"' /etc/kiosk/kiosk.json; then
    say "then set Kiosk.Site and Kiosk.KioskId in /etc/kiosk/kiosk.json and: sudo systemctl restart kiosk"
fi
