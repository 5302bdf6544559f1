#!/usr/bin/env bash
# Makes the kiosk's default voice clips from prompts.tsv with espeak-ng (Debian's espeak-ng package: the cmn-latn-pinyin
# Mandarin and en-us English voices) and sox, so the kiosk needs no speech engine at run time.
#
#   src/Kiosk.Service/Voice/Clips/generate-clips.sh [--check]
#
# Each line "NAME<TAB>Mandarin<TAB>English" of prompts.tsv gives NAME.zh.wav and NAME.en.wav beside this script:
# mono, 16 kHz, 16-bit PCM, a canonical 44-byte header, leading and trailing silence trimmed to 50/100 ms, peak
# normalised to -1 dBFS, no dither (repeatable output). Clips no longer named in prompts.tsv are removed.
# --check only reports clips that are missing or older than prompts.tsv (exit 1), writing nothing.
# Needs: espeak-ng, sox (apt-get install espeak-ng sox). A site replaces a clip with its own recording by putting
# a WAV of the same name into /etc/kiosk/voice/ (see ../README.md), not by editing these.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prompts="$here/prompts.tsv"
check=false
case "${1:-}" in
    "") ;;
    --check) check=true ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

# Speaking rates (words per minute) chosen so that a prompt fits the screen holds (PASS: 3 s).
zh_voice=cmn-latn-pinyin
zh_rate=210
en_voice="en-us"
en_rate=185

names=()
stale=0
# shellcheck disable=SC2094 # prompts.tsv is only read; the clips are written
while IFS=$'\t' read -r name zh en rest || [[ -n "$name" ]]; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    [[ "$name" =~ ^[a-z][a-z0-9-]*$ ]] || { echo "error: prompts.tsv: bad clip name '$name'" >&2; exit 2; }
    [[ -n "$zh" && -n "$en" && -z "${rest:-}" ]] || { echo "error: prompts.tsv: '$name' needs exactly a Mandarin and an English text" >&2; exit 2; }
    names+=("$name")
    for lang in zh en; do
        out="$here/$name.$lang.wav"
        if [[ "$check" == true ]]; then
            # shellcheck disable=SC2094 # prompts.tsv is only read (-nt compares times)
            if [[ ! -f "$out" || "$prompts" -nt "$out" ]]; then
                echo "stale: $name.$lang.wav"
                stale=1
            fi
            continue
        fi

        if [[ "$lang" == zh ]]; then voice=$zh_voice rate=$zh_rate text=$zh; else voice=$en_voice rate=$en_rate text=$en; fi
        raw="$(mktemp --suffix=.wav)"
        espeak-ng -v "$voice" -s "$rate" -w "$raw" -- "$text"
        sox -R -D "$raw" -r 16000 -c 1 -b 16 -e signed-integer "$out" \
            silence 1 0.02 0.3% reverse silence 1 0.02 0.3% reverse gain -n -1 pad 0.05 0.1
        rm -f "$raw"
        printf '%-32s %6.2f s\n' "$name.$lang.wav" "$(soxi -D "$out")"
    done
done <"$prompts"

if [[ "$check" == true ]]; then
    exit "$stale"
fi

# Clips whose name left prompts.tsv.
for wav in "$here"/*.wav; do
    [[ -e "$wav" ]] || continue
    base="$(basename "$wav")"
    name="${base%.*.wav}"
    if ! printf '%s\n' "${names[@]}" | grep -qxF "$name"; then
        rm -f "$wav"
        echo "removed $base (not in prompts.tsv)"
    fi
done
echo "espeak-ng $(espeak-ng --version | sed -n 's/.*text-to-speech: \([^ ]*\).*/\1/p'), $(sox --version | sed 's/.*SoX //')"
