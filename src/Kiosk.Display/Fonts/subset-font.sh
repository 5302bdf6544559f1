#!/bin/sh
# Regenerates NotoSansCJKsc-Kiosk.otf: Noto Sans CJK SC Regular cut down to the glyphs the kiosk draws.
# Needs (only to regenerate, not to build or test): apt-get install fonts-noto-cjk python3-fonttools
# Glyphs kept: printable ASCII, common punctuation, every character of Rendering/ScreenText.cs (the status strip,
# the 代 mark) and of the kiosk's prompt table, src/Kiosk.Core/Checkpoint/PromptTable.cs (what the screens say),
# and GB 2312 level 1 (the 3755 most common hanzi) so real masked names such as 王*明 render.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${NOTO_CJK_TTC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
py=${PYTHON:-/usr/bin/python3}
chars=$(mktemp)
trap 'rm -f "$chars"' EXIT
"$py" - "$here/../Rendering/ScreenText.cs" "$here/../../Kiosk.Core/Checkpoint/PromptTable.cs" > "$chars" <<'PY'
import sys
text = "".join(open(path, encoding="utf-8").read() for path in sys.argv[1:])
keep = set(chr(c) for c in range(0x20, 0x7F))                     # printable ASCII
keep |= set("，。：；？！、“”‘’（）《》…—·°×代＊")               # punctuation and marks
keep |= set(c for c in text if ord(c) > 0x7F)                      # every UI string
for hi in range(0xB0, 0xD8):                                       # GB 2312 level 1: rows 16-55
    for lo in range(0xA1, 0xFF):
        try:
            keep.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
sys.stdout.write("".join(sorted(keep)))
PY
"$py" -m fontTools.subset "$src" --font-number=2 \
  --text-file="$chars" \
  --layout-features='*' --no-hinting \
  --name-IDs='*' --name-languages='*' \
  --output-file="$here/NotoSansCJKsc-Kiosk.otf"
echo "wrote $here/NotoSansCJKsc-Kiosk.otf ($(wc -c < "$here/NotoSansCJKsc-Kiosk.otf") bytes, $(wc -m < "$chars") characters)"
