#!/usr/bin/env bash
# Signs Cloakroom.app with a Developer ID (hardened runtime), has Apple notarize it, and staples the ticket.
# Without a signature macOS blocks the app at first start, and the keychain asks for the vault key on every start.
#
#   packaging/macos/sign_and_notarize.sh [dist/Cloakroom.app]
#
# Fill in (or export) the placeholders first:
#   CLOAKROOM_SIGN_IDENTITY   "Developer ID Application: Your Name (TEAMID1234)"   (security find-identity -v -p codesigning)
#   CLOAKROOM_NOTARY_PROFILE  a notarytool keychain profile, made once with:
#                             xcrun notarytool store-credentials cloakroom-notary --apple-id you@example.com \
#                               --team-id TEAMID1234 --password <app-specific password>
# Set CLOAKROOM_SKIP_NOTARIZE=1 to sign only (for a local test).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP="${1:-${HERE}/../../dist/Cloakroom.app}"
IDENTITY="${CLOAKROOM_SIGN_IDENTITY:-Developer ID Application: YOUR NAME (TEAMID)}"
NOTARY_PROFILE="${CLOAKROOM_NOTARY_PROFILE:-cloakroom-notary}"
ENTITLEMENTS="${HERE}/entitlements.plist"

[ -d "${APP}" ] || { echo "No app bundle at ${APP}: run python packaging/build_bundle.py first." >&2; exit 1; }
case "${IDENTITY}" in *"YOUR NAME"*) echo "Set CLOAKROOM_SIGN_IDENTITY to your Developer ID Application identity." >&2; exit 1 ;; esac

sign() {
  codesign --force --timestamp --options runtime --entitlements "${ENTITLEMENTS}" --sign "${IDENTITY}" "$@"
}

is_macho() { file -b "$1" | grep -q "Mach-O"; }

echo "==> Signing every library and executable inside the app, innermost first"
# Loose Mach-O files (Python extension modules, llama.cpp and Qt libraries, plugins) not inside a framework.
while IFS= read -r -d '' candidate; do
  if is_macho "${candidate}"; then sign "${candidate}"; fi
done < <(find "${APP}/Contents" -type f ! -path "*.framework/*" ! -path "${APP}/Contents/MacOS/*" -print0)
# Frameworks (Qt's) are signed as bundles, deepest first.
while IFS= read -r framework; do
  sign "${framework}"
done < <(find "${APP}/Contents" -type d -name "*.framework" | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-)
# The executables, then the app itself.
for executable in "${APP}/Contents/MacOS/"*; do sign "${executable}"; done
sign "${APP}"

echo "==> Verifying the signature"
codesign --verify --deep --strict --verbose=2 "${APP}"

if [ "${CLOAKROOM_SKIP_NOTARIZE:-0}" = "1" ]; then
  echo "Signed (not notarized): ${APP}"
  exit 0
fi

echo "==> Notarizing (this uploads the app to Apple and waits, usually a few minutes)"
ZIP="$(mktemp -d)/Cloakroom.zip"
ditto -c -k --keepParent "${APP}" "${ZIP}"
xcrun notarytool submit "${ZIP}" --keychain-profile "${NOTARY_PROFILE}" --wait
xcrun stapler staple "${APP}"
rm -f "${ZIP}"

echo "==> Gatekeeper's verdict"
spctl --assess --type execute --verbose=2 "${APP}"
echo "Signed and notarized: ${APP}"
