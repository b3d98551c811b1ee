#!/usr/bin/env bash
# Render a markdown file (a job summary, a check-run summary, a PR comment) as
# GitHub would, and screenshot it, to look at what readers will see.
#
#   scripts/render_markdown.sh report.md [out.png] [width]
#
# cmark-gfm with GitHub's extensions (tables, autolinks, the tag filter,
# strikethrough) turns it into HTML; headless Chromium screenshots that HTML.
# `--unsafe` keeps raw HTML (`<details>`, `<sub>`) as GitHub does: GitHub
# renders it and then sanitizes, and the tag filter drops what GitHub drops
# (`<script>`, `<iframe>`, ...).
# `<details>` blocks are opened, so the screenshot shows what they hold.
# Needs `cmark-gfm` and `chromium` (Debian: apt-get install -y cmark-gfm chromium).
set -euo pipefail

input=${1:?usage: render_markdown.sh FILE.md [OUT.png] [WIDTH]}
output=${2:-${input%.*}.png}
width=${3:-1000}

command -v cmark-gfm >/dev/null || { echo "cmark-gfm is not installed" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "chromium is not installed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
html="$work/page.html"

{
  cat <<'HEAD'
<!doctype html><html><head><meta charset="utf-8"><style>
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
       color: #1f2328; max-width: 880px; margin: 16px auto; padding: 0 16px; }
h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; font-size: 1.5em; }
h3 { font-size: 1.25em; } h4 { font-size: 1em; }
table { border-collapse: collapse; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font-size: 85%;
       font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border-radius: 6px; padding: 16px; overflow: auto; }
pre code { background: none; padding: 0; font-size: 85%; }
details { margin: 8px 0; } summary { cursor: pointer; }
sub { color: #59636e; }
a { color: #0969da; }
</style></head><body>
HEAD
  cmark-gfm --unsafe -e table -e autolink -e tagfilter -e strikethrough "$input"
  # Open every <details>, so the screenshot shows their content.
  echo '<script>document.querySelectorAll("details").forEach(d => d.open = true)</script>'
  echo '</body></html>'
} >"$html"

# Tall enough for most reports; longer ones are cut at the bottom.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size="$width,${HEIGHT:-2400}" --screenshot="$output" "file://$html" >/dev/null 2>&1
echo "$output"
