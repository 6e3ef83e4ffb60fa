"""The HTML report's inline CSS, its palette, and the one escaping helper."""

from __future__ import annotations

import base64
import hashlib
import html
import unicodedata

from sbom.safe_text import no_surrogates

# Severity and status colours, shared by the CSS badges and the SVG charts. Each keeps
# white text readable (contrast ≥ 4.5:1) except the amber, which carries dark text.
PALETTE = {
    "critical": "#7f1d1d",
    "high": "#c0392b",
    "medium": "#b45309",
    "low": "#1d4ed8",
    "info": "#5b6472",
    "ok": "#15803d",
    "partial": "#b45309",
    "failed": "#b91c1c",
    "unknown": "#9aa3af",
    "accent": "#1f3a5f",
}

# Status words map to the palette so a chart or badge never invents a colour.
STATUS_COLOR = {
    "ok": "ok",
    "used": "ok",
    "partial": "partial",
    "stale": "partial",
    "not-found": "partial",
    "offline": "unknown",
    "skipped": "unknown",
    "not-applicable": "unknown",
    "unused": "unknown",
    "error": "failed",
    "failed": "failed",
    "expired": "failed",
}


def clean(value: object, limit: int = 2000) -> str:
    """Printable text: control and format characters (ANSI, bidi overrides) shown as escapes,
    lone surrogates replaced (they cannot be written as UTF-8), huge registry fields truncated,
    so nothing hidden reaches the reader and nothing from input can break the writer."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit] + f"… [{len(text) - limit} more characters]"
    if text.isascii() and text.isprintable():
        return text  # the common case, without a look at every character
    text = no_surrogates(text)
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )


def esc(value: object, limit: int = 2000) -> str:
    """Cleaned and HTML-escaped (quotes too), safe in text and in quoted attributes."""
    return html.escape(clean(value, limit), quote=True)


def badge(text: str, css: str) -> str:
    """A coloured label (severity ``sev-*`` or status ``st-*`` class)."""
    return f'<span class="badge {css}">{esc(text)}</span>'


def status(word: str) -> str:
    """A status word as a badge coloured by its meaning."""
    return badge(word, "st-" + STATUS_COLOR.get(word, "unknown"))


def csp_hash(source: str) -> str:
    """A CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


_VARS = ":root{" + "".join(f"--{k}:{v};" for k, v in PALETTE.items()) + "}\n"

STYLE = (
    _VARS
    + """*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;color:#1b2430;background:#f4f6f9;line-height:1.45;
  font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.mono,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
  font-size:.86em;overflow-wrap:anywhere}
header.top{background:var(--accent);color:#fff;padding:1.2rem 2rem 1rem}
header.top h1{margin:0 0 .4rem;font-size:1.45rem;font-weight:600}
header.top dl{display:flex;flex-wrap:wrap;gap:.3rem 1.6rem;margin:0}
header.top dl div{display:flex;gap:.4rem}
header.top dt{opacity:.75}
header.top dd{margin:0;font-weight:600}
nav.sections{background:#fff;border-bottom:1px solid #d8dee6;padding:.4rem 2rem;position:sticky;
  top:0;z-index:2}
nav.sections a{color:var(--accent);margin-right:1.2rem;text-decoration:none;font-weight:600}
main{padding:1rem 2rem 2rem;max-width:1500px;margin:0 auto}
section{background:#fff;border:1px solid #d8dee6;border-radius:6px;padding:1rem 1.2rem;
  margin:0 0 1.2rem}
h2{font-size:1.15rem;margin:0 0 .8rem;color:var(--accent)}
h3{font-size:.95rem;margin:1rem 0 .4rem}
.banner{border-left:4px solid var(--info);background:#eef1f5;padding:.5rem .8rem;margin:.4rem 0}
.banner.fail{border-color:var(--high);background:#fbeceb}
.banner.pass{border-color:var(--ok);background:#e9f6ee}
.banner.warn{border-color:var(--partial);background:#fdf3e6}
.note{color:#4a5563;font-size:.9rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.8rem;
  margin:.8rem 0 1rem}
.tile{border:1px solid #d8dee6;border-radius:6px;padding:.6rem .8rem}
.tile b{display:block;font-size:1.6rem;color:var(--accent)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
figure.chart{margin:0;border:1px solid #e3e8ee;border-radius:6px;padding:.6rem .8rem}
figure.chart figcaption{font-weight:600;margin-bottom:.4rem}
figure.chart svg{width:100%;height:auto;display:block}
svg text{font-family:inherit;font-size:12px;fill:#1b2430}
svg text.value{font-weight:600}
svg text.inv{fill:#fff}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;font-size:.82rem;margin-top:.3rem}
figure.chart svg.swatch,.swatch{display:inline-block;width:.75em;height:.75em;margin-right:.3em;
  vertical-align:baseline}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem;margin:0 0 .6rem}
.toolbar input{font:inherit;padding:.35rem .6rem;border:1px solid #b9c2cd;border-radius:4px;
  min-width:22rem}
.toolbar select,.pager select{font:inherit;padding:.3rem;border:1px solid #b9c2cd;border-radius:4px}
.toolbar button,.pager button,.toggle,.more{font:inherit;font-size:.85rem;border:1px solid #b9c2cd;
  background:#fff;border-radius:4px;padding:.2rem .6rem;cursor:pointer}
button:disabled{opacity:.45;cursor:default}
[hidden]{display:none!important}
:focus-visible{outline:3px solid #2563eb;outline-offset:1px}
.count{color:#4a5563;font-size:.9rem}
.pager{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.6rem 0 0;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #e3e8ee}
thead th{background:#eef1f5;position:sticky;top:2.1rem;z-index:1;white-space:nowrap}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;
  color:inherit}
th[aria-sort=ascending] button::after{content:" ▲";font-size:.7em}
th[aria-sort=descending] button::after{content:" ▼";font-size:.7em}
tr.main:hover{background:#f7f9fc}
tr.excused{color:#6b7280}
tr.detail>td{background:#f9fafb;padding:.6rem 1rem 1rem}
.toggle{padding:0 .35rem;margin-right:.3rem;line-height:1.3}
.toggle[aria-expanded=true]{background:#eef1f5;transform:rotate(90deg)}
.detail-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:.3rem 1.5rem}
.detail-grid p,.member p{margin:.2rem 0}
.member{border-top:1px solid #e3e8ee;margin-top:.6rem;padding-top:.4rem}
ul.purls{margin:.2rem 0;padding-left:1.2rem;columns:2 24rem}
table.evidence{margin:.3rem 0 .6rem;font-size:.85rem;background:#fff}
table.evidence th{background:#f1f4f8;position:static}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:3px;color:#fff;font-size:.8rem;
  font-weight:600;white-space:nowrap}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}
.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}
.sev-info{background:var(--info)}
.st-ok{background:var(--ok)}.st-partial{background:var(--partial)}
.st-failed{background:var(--failed)}.st-unknown{background:var(--unknown);color:#1b2430}
.tag{display:inline-block;border:1px solid #b9c2cd;border-radius:3px;padding:0 .35rem;
  font-size:.78rem;color:#4a5563;margin-left:.3rem;white-space:nowrap}
.muted{color:#6b7280}
.nowrap{white-space:nowrap}
ol.paths{margin:.2rem 0;padding-left:1.3rem}
.stages{list-style:none;margin:0;padding:0}
.stages li{margin:.3rem 0}
footer{color:#6b7280;font-size:.85rem;text-align:center;padding:0 2rem 2rem}
@media print{
  html{font-size:11px}
  body{background:#fff}
  nav.sections,.toolbar,.toggle,.pager,.more{display:none}
  header.top{background:#fff;color:#000;border-bottom:2px solid #000;padding:0 0 .5rem}
  section{border:0;padding:0;break-inside:auto}
  thead th{position:static}
  tr.main,tr.detail{break-inside:avoid}
  .badge,.swatch{print-color-adjust:exact;-webkit-print-color-adjust:exact}
  main{padding:0;max-width:none}
}
"""
)
