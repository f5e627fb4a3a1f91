#!/usr/bin/env bash
# Debian packages jixiao uses at run time and in tests: LibreOffice and python3-uno (.doc and fixtures),
# Chromium (report rendering test), poppler (pdftoppm), CJK fonts (PDF rendering).
# Installs only what is missing; needs root (or sudo) the first time.
set -euo pipefail
need=()
command -v soffice >/dev/null || need+=(libreoffice-writer libreoffice-calc)
# pyuno for the system python3: .doc files go to long-lived LibreOffice servers (extract/office/lo_client.py)
/usr/bin/python3 -c "import uno" 2>/dev/null || need+=(python3-uno)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v gs >/dev/null || need+=(ghostscript)
fc-list 2>/dev/null | grep -qi "noto sans cjk\|wenquanyi" || need+=(fonts-noto-cjk fonts-wqy-zenhei)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
