#!/usr/bin/env bash
# Renders the self-contained HTML report with headless Chromium and checks the
# screenshot is not blank (banner at the top, charts further down).
# Usage: scripts/report-check.sh [report.html] [report.png]
# Installs Debian's chromium only if no chromium binary is on the PATH.
set -euo pipefail

html=${1:-.data/demo/release/report.html}
png=${2:-.data/demo/release/report.png}
width=${REPORT_CHECK_WIDTH:-1200}
height=${REPORT_CHECK_HEIGHT:-4000}
render_timeout=${REPORT_CHECK_TIMEOUT:-120}

fail() {
    echo "report-check: FAIL: $*" >&2
    exit 1
}

[ -f "$html" ] || fail "no HTML report at $html"

# --- HTML content checks ------------------------------------------------------
svg_count=$({ grep -o '<svg' "$html" || true; } | wc -l)
[ "$svg_count" -ge 10 ] || fail "$html has $svg_count <svg> elements, expected at least 10"
grep -q '<polyline' "$html" || fail "$html has no <polyline> (ROC curves)"
grep -q 'Decision' "$html" || fail "$html does not contain the word \"Decision\""

# --- Chromium -----------------------------------------------------------------
find_chromium() {
    local candidate
    for candidate in chromium chromium-browser google-chrome-stable google-chrome chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if ! browser=$(find_chromium); then
    echo "Installing missing system package: chromium"
    if [ "$(id -u)" -ne 0 ]; then
        sudo=sudo
    else
        sudo=
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y -qq --no-install-recommends chromium; then
        $sudo apt-get update -qq
        $sudo apt-get install -y -qq --no-install-recommends chromium
    fi
    browser=$(find_chromium) || fail "chromium installed but no chromium binary on the PATH"
fi

# --- Render -------------------------------------------------------------------
html_abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
mkdir -p "$(dirname "$png")"
png_abs=$(cd "$(dirname "$png")" && pwd)/$(basename "$png")
rm -f "$png_abs"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# --headless=new exists from Chromium 109; older builds only know --headless.
major=$("$browser" --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)
headless=--headless
if [ -n "$major" ] && [ "$major" -ge 109 ]; then
    headless=--headless=new
fi

log=$profile/chromium.log
if ! timeout --kill-after=10 "$render_timeout" "$browser" "$headless" --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --no-first-run --no-default-browser-check --hide-scrollbars \
    --user-data-dir="$profile" --force-device-scale-factor=1 \
    --window-size="$width,$height" --screenshot="$png_abs" "file://$html_abs" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "chromium did not render $html within ${render_timeout}s"
fi

# --- PNG checks -----------------------------------------------------------------
[ -f "$png_abs" ] || { tail -n 20 "$log" >&2; fail "chromium wrote no screenshot at $png"; }

python3 - "$png_abs" <<'PYTHON'
import struct
import sys
import zlib

path = sys.argv[1]


def fail(message):
    print(f"report-check: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


data = open(path, "rb").read()
if len(data) < 20_000:
    fail(f"{path} is only {len(data)} bytes; expected a rendered page")
if data[:8] != b"\x89PNG\r\n\x1a\n":
    fail(f"{path} is not a PNG")

pos, idat, header = 8, [], None
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        header = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat.append(body)
    elif kind == b"IEND":
        break
    pos += 12 + length
if header is None:
    fail("PNG has no IHDR chunk")
width, height, depth, colour_type, _, _, interlace = header
channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour_type)
if depth != 8 or channels is None or interlace != 0:
    fail(f"unsupported PNG format (bit depth {depth}, colour type {colour_type}, interlace {interlace})")

raw = zlib.decompress(b"".join(idat))
stride = width * channels
rows, previous, offset = [], bytearray(stride), 0
for _ in range(height):
    kind = raw[offset]
    line = bytearray(raw[offset + 1:offset + 1 + stride])
    offset += 1 + stride
    if kind == 1:
        for i in range(channels, stride):
            line[i] = (line[i] + line[i - channels]) & 0xFF
    elif kind == 2:
        for i in range(stride):
            line[i] = (line[i] + previous[i]) & 0xFF
    elif kind == 3:
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + predictor) & 0xFF
    elif kind != 0:
        fail(f"unknown PNG filter type {kind}")
    rows.append(bytes(line))
    previous = line


def pixels(row):
    if channels >= 3:
        return [row[i:i + 3] for i in range(0, stride, channels)]
    return [bytes([row[i]] * 3) for i in range(0, stride, channels)]


def stats(first, last):
    colours, ink, total = set(), 0, 0
    for y in range(first, min(last, height)):
        for pixel in pixels(rows[y]):
            colours.add(pixel)
            total += 1
            if min(pixel) < 245:
                ink += 1
    return colours, ink / max(total, 1)


all_colours, all_ink = stats(0, height)
banner_colours, banner_ink = stats(0, min(400, height))
charts_colours, charts_ink = stats(min(400, height), height)
if len(all_colours) < 64:
    fail(f"only {len(all_colours)} distinct colours in the screenshot; the page looks blank")
if banner_ink < 0.02 or len(banner_colours) < 16:
    fail(f"the top of the page (decision banner) is nearly empty: {banner_ink:.1%} non-white, {len(banner_colours)} colours")
if charts_ink < 0.02 or len(charts_colours) < 32:
    fail(f"the lower page (charts) is nearly empty: {charts_ink:.1%} non-white, {len(charts_colours)} colours")
print(f"report-check: OK {path}: {width}x{height}, {len(data)} bytes, {len(all_colours)} distinct colours, "
      f"{all_ink:.1%} non-white (top {banner_ink:.1%}, below {charts_ink:.1%})")
PYTHON
