#!/usr/bin/env bash
# Build the Teams app package: manifest.json (with the bot's app id and public URL filled in),
# color.png and outline.png, all at the root of out/bakerybot-teams.zip.
#
#   manifests/teams/build-package.sh [APP_ID] [PUBLIC_URL]
#
# APP_ID      the bot registration's Microsoft App ID (Teams:AppId), a GUID;
#             else $TEAMS_APP_ID, else $Teams__AppId.
# PUBLIC_URL  where Teams reaches the bot (PublicUrl), https only; Teams posts to <PUBLIC_URL>/api/messages;
#             else $PUBLIC_URL, else $PublicUrl.
#
# Optional environment:
#   PRIVACY_URL, TERMS_URL
#                the developer's privacy statement and terms of use (https). Default:
#                <PUBLIC_URL>/privacy and <PUBLIC_URL>/terms.
#   APP_VERSION  the package version (semver, e.g. 1.0.3); Teams wants it raised for every update
#                of an uploaded app. Default: the version in manifest.json.
#   OUT_DIR      where the zip goes. Default: manifests/teams/out (ignored by git).
#   ZIP_TOOL     auto (default: zip if installed, else python3 -m zipfile), zip or python3.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() {
  echo "build-package.sh: $*" >&2
  exit 2
}

app_id=${1:-${TEAMS_APP_ID:-${Teams__AppId:-}}}
public_url=${2:-${PUBLIC_URL:-${PublicUrl:-}}}
privacy_url=${PRIVACY_URL:-}
terms_url=${TERMS_URL:-}
app_version=${APP_VERSION:-}
out_dir=${OUT_DIR:-$here/out}
zip_tool=${ZIP_TOOL:-auto}

[ $# -le 2 ] || die "usage: build-package.sh [APP_ID] [PUBLIC_URL]"
[ -n "$app_id" ] || die "the bot's app id is missing: pass it as the first argument or set TEAMS_APP_ID (Teams:AppId)."
[ -n "$public_url" ] || die "the public URL is missing: pass it as the second argument or set PUBLIC_URL (PublicUrl)."

guid='^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$'
[[ $app_id =~ $guid ]] || die "app id '$app_id' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."
[ "$app_id" != "00000000-0000-0000-0000-000000000000" ] || die "app id is the template's placeholder; use the bot registration's Microsoft App ID."

# https, a host name (letters, digits, dots, hyphens), an optional port and an optional plain path.
# The narrow alphabet also keeps the value safe to splice into JSON and into sed below.
while [[ $public_url == */ ]]; do public_url=${public_url%/}; done
url='^https://([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$'
[[ $public_url =~ $url ]] || die "public URL '$public_url' must be https://host[:port][/path] (Teams only calls bots over HTTPS)."
host=${BASH_REMATCH[1]}
for name in privacy_url terms_url; do
  value=${!name}
  [ -z "$value" ] || [[ $value =~ $url ]] || die "${name^^} '$value' must be https://host[:port][/path]."
done

if [ -n "$app_version" ]; then
  [[ $app_version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] || die "APP_VERSION '$app_version' must be MAJOR.MINOR.PATCH."
fi

for file in manifest.json color.png outline.png; do
  [ -f "$here/$file" ] || die "$here/$file is missing."
done

stage=$(mktemp -d "${TMPDIR:-/tmp}/bakerybot-teams.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# The template uses https://bakerybot.example.com for the public URL, bakerybot.example.com for the
# valid domain and the all-zero GUID for the app id (manifest id, bots[0].botId, composeExtensions[0].botId).
sed_args=(
  -e "s|\"https://bakerybot\.example\.com/privacy\"|\"${privacy_url:-$public_url/privacy}\"|"
  -e "s|\"https://bakerybot\.example\.com/terms\"|\"${terms_url:-$public_url/terms}\"|"
  -e "s|https://bakerybot\.example\.com|$public_url|g"
  -e "s|\"bakerybot\.example\.com\"|\"$host\"|g"
  -e "s|00000000-0000-0000-0000-000000000000|$app_id|g"
)
if [ -n "$app_version" ]; then
  sed_args+=(-e "s|^  \"version\": \"[^\"]*\",|  \"version\": \"$app_version\",|")
fi
sed "${sed_args[@]}" "$here/manifest.json" >"$stage/manifest.json"
cp "$here/color.png" "$here/outline.png" "$stage/"

if grep -q -e 'bakerybot\.example\.com' -e '00000000-0000-0000-0000-000000000000' "$stage/manifest.json"; then
  die "a placeholder was left in the manifest; was manifest.json reformatted?"
fi
if [ -n "$app_version" ] && ! grep -q "\"version\": \"$app_version\"" "$stage/manifest.json"; then
  die "could not set the version in the manifest; was manifest.json reformatted?"
fi
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$stage/manifest.json" ||
    die "the generated manifest is not valid JSON."
fi

case $zip_tool in
  auto) if command -v zip >/dev/null 2>&1; then zip_tool=zip; else zip_tool=python3; fi ;;
  zip | python3) ;;
  *) die "ZIP_TOOL must be auto, zip or python3, not '$zip_tool'." ;;
esac
command -v "$zip_tool" >/dev/null 2>&1 || die "$zip_tool is not installed."

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
package=$out_dir/bakerybot-teams.zip
rm -f "$package"
(
  cd "$stage"
  if [ "$zip_tool" = zip ]; then
    zip -q -X "$package" manifest.json color.png outline.png
  else
    python3 -m zipfile -c "$package" manifest.json color.png outline.png
  fi
)

echo "Built $package"
echo "  app id:    $app_id"
echo "  bot host:  $host (messaging endpoint $public_url/api/messages)"
echo "Upload it in Teams: Apps > Manage your apps > Upload an app."
