#!/usr/bin/env bash
# Builds the python-ddd binary and packs the npm tarballs: @vibes/python-ddd and the platform
# package of this machine (@vibes/python-ddd-linux-x64 here), with the binary copied into its bin/.
#
#   npm/scripts/pack.sh [--profile release|dev] [out-dir]
#
# out-dir defaults to target/npm. Prints the absolute path of each tarball on stdout, one a line,
# main package first; progress goes to stderr. The binary is never committed
# (npm/platforms/*/bin/ is git-ignored).
set -euo pipefail

profile=release
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --profile) profile="$2"; shift 2 ;;
    --profile=*) profile="${1#--profile=}"; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "pack.sh: unknown option $1" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${out:-$repo/target/npm}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$repo"

# The npm versions must be the crate's version (one release, one number).
crate_version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -1)"
node - "$crate_version" <<'EOF'
const fs = require('fs');
const want = process.argv[2];
const main = JSON.parse(fs.readFileSync('npm/package.json', 'utf8'));
const bad = [];
if (main.version !== want) bad.push(`npm/package.json is ${main.version}`);
for (const [name, v] of Object.entries(main.optionalDependencies || {})) {
  if (v !== want) bad.push(`npm/package.json optionalDependencies ${name} is ${v}`);
  const dir = `npm/platforms/${name.replace('@vibes/python-ddd-', '')}`;
  const pkg = JSON.parse(fs.readFileSync(`${dir}/package.json`, 'utf8'));
  if (pkg.version !== want) bad.push(`${dir}/package.json is ${pkg.version}`);
}
if (bad.length) {
  console.error(`pack.sh: versions differ from Cargo.toml's ${want}:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
EOF

node npm/scripts/sync-schemas.js --check >&2

platform="$(node -p 'process.platform + "-" + process.arch')"
platform_dir="npm/platforms/$platform"
[[ -f "$platform_dir/package.json" ]] || { echo "pack.sh: no platform package for $platform" >&2; exit 1; }
exe=python-ddd
[[ "$platform" == win32-* ]] && exe=python-ddd.exe

case "$profile" in
  release) target_dir=release ;;
  dev) target_dir=debug ;;
  *) target_dir="$profile" ;;
esac
echo "pack.sh: cargo build --profile $profile --locked -p python-ddd" >&2
start=$(date +%s.%N)
cargo build --profile "$profile" --locked -p python-ddd >&2
end=$(date +%s.%N)
binary="${CARGO_TARGET_DIR:-$repo/target}/$target_dir/$exe"
size=$(stat -c %s "$binary" 2>/dev/null || stat -f %z "$binary")
awk -v b="$binary" -v s="$size" -v t0="$start" -v t1="$end" \
  'BEGIN { printf "pack.sh: built %s (%d bytes, %.1f KiB) in %.1fs\n", b, s, s / 1024, t1 - t0 }' >&2

mkdir -p "$platform_dir/bin"
cp "$binary" "$platform_dir/bin/$exe"
chmod 755 "$platform_dir/bin/$exe"
[[ -x "$platform_dir/bin/$exe" ]] || { echo "pack.sh: $platform_dir/bin/$exe is not executable" >&2; exit 1; }

for dir in npm "$platform_dir"; do
  name="$(cd "$dir" && npm pack --silent --pack-destination "$out" 2>/dev/null | tail -1)"
  echo "$out/$name"
done
