#!/usr/bin/env bash
# The DMG recipe: a compressed disk image holding Cloakroom.app and a link to /Applications (drag to install),
# signed and notarized like the app. Run after sign_and_notarize.sh (the app inside must already carry its ticket).
#
#   packaging/macos/make_dmg.sh [dist/Cloakroom.app]      → dist/cloakroom-VERSION-macos-ARCH.dmg
#
# Uses the same placeholders as sign_and_notarize.sh (CLOAKROOM_SIGN_IDENTITY, CLOAKROOM_NOTARY_PROFILE);
# CLOAKROOM_SKIP_NOTARIZE=1 makes an unsigned DMG for a local test.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
APP="${1:-${REPO}/dist/Cloakroom.app}"
IDENTITY="${CLOAKROOM_SIGN_IDENTITY:-Developer ID Application: YOUR NAME (TEAMID)}"
NOTARY_PROFILE="${CLOAKROOM_NOTARY_PROFILE:-cloakroom-notary}"
VERSION="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "${APP}/Contents/Info.plist")"
DMG="${REPO}/dist/cloakroom-${VERSION}-macos-$(uname -m).dmg"

STAGING="$(mktemp -d)"
trap 'rm -rf "${STAGING}"' EXIT
ditto "${APP}" "${STAGING}/Cloakroom.app"          # ditto keeps signatures, symlinks and extended attributes
ln -s /Applications "${STAGING}/Applications"

rm -f "${DMG}"
hdiutil create -volname "Cloakroom ${VERSION}" -srcfolder "${STAGING}" -fs HFS+ -format UDZO -ov "${DMG}"

if [ "${CLOAKROOM_SKIP_NOTARIZE:-0}" = "1" ]; then
  echo "Unsigned DMG: ${DMG}"
  exit 0
fi
codesign --force --timestamp --sign "${IDENTITY}" "${DMG}"
xcrun notarytool submit "${DMG}" --keychain-profile "${NOTARY_PROFILE}" --wait
xcrun stapler staple "${DMG}"
echo "DMG: ${DMG}"
