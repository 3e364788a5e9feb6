#!/usr/bin/env bash
# Build the Herald SPA (frontend/, Yew -> WebAssembly) into frontend/dist/.
#
#   scripts/build-frontend.sh           full build: frontend/dist/{index.html, hashed assets}
#   scripts/build-frontend.sh --check   only `cargo check` the SPA for wasm32 (fast, for CI)
#   scripts/build-frontend.sh --if-changed
#                                       full build, unless frontend/dist was built from
#                                       exactly the current inputs (then a second at most)
#
# Steps of a full build:
#   1. rustup target add wasm32-unknown-unknown (when missing)
#   2. wasm-bindgen-cli of exactly the version in Cargo.lock: taken from .tools/bin, PATH or
#      ~/.cargo/bin; when none has that version, `cargo install`ed into cargo's default
#      root (~/.cargo/bin), once per machine rather than once per clone (5-15 minutes)
#   3. cargo build -p herald-frontend --target wasm32-unknown-unknown --profile wasm-release
#   4. wasm-bindgen --target web
#   5. wasm-opt -Oz, when available (see HERALD_WASM_OPT below)
#   6. content-hashed file names (served with immutable caching); dist/index.html (served
#      without caching) written from frontend/index.html, and the loader from frontend/boot.js
#   7. print the sizes
#
# Environment:
#   CARGO_TARGET_DIR   honoured as by cargo (default: target/ in the workspace)
#   HERALD_WASM_OPT    unset/auto: use a working wasm-opt (.tools/node_modules/.bin, then
#                        PATH); if there is none and npm is present, install binaryen@132
#                        into .tools/ with npm; without npm, or if anything fails, go on
#                        without wasm-opt and say so (wasm ~10% larger raw, ~1% gzipped)
#                      1: the same, but a missing or failing wasm-opt fails the build
#                      0: never run wasm-opt
#
# Idempotent; works offline once the tools are installed and the crates are fetched.
# wasm-opt goes to .tools/ (gitignored); wasm-bindgen-cli to ~/.cargo/bin.
set -euo pipefail
shopt -s inherit_errexit

BINARYEN_NPM_VERSION=132
# Debian's binaryen 108 cannot read current wasm-bindgen output; do not trust a wasm-opt
# on PATH that is older than this.
WASM_OPT_MIN_VERSION=116
WASM_TARGET=wasm32-unknown-unknown
PROFILE="wasm-release"
CRATE=herald-frontend

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

mode=build
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --if-changed) mode=if-changed ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build-frontend.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# A relative CARGO_TARGET_DIR means relative to the caller's directory; keep that meaning
# after the cd below.
if [[ -n "${CARGO_TARGET_DIR:-}" && "$CARGO_TARGET_DIR" != /* ]]; then
  export CARGO_TARGET_DIR="$PWD/$CARGO_TARGET_DIR"
fi

REPO="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
TOOLS="$REPO/.tools"
export PATH="$TOOLS/bin:$PATH"
started=$SECONDS

# Everything the build reads, as one hash: sources, manifests, lock file, this script and
# the knobs. frontend/dist/.inputs-sha256 records it; --if-changed compares.
inputs_fingerprint() {
  {
    find frontend -path frontend/dist -prune -o -type f -print
    find backend/api-types -type f
    printf '%s\n' Cargo.toml Cargo.lock scripts/build-frontend.sh
  } | LC_ALL=C sort | while IFS= read -r file; do
    printf '%s  %s\n' "$(sha256sum <"$file" | cut -c1-64)" "$file"
  done
  printf 'HERALD_WASM_OPT=%s\n' "${HERALD_WASM_OPT:-auto}"
}
fingerprint="$(inputs_fingerprint | sha256sum | cut -c1-64)"
if [[ "$mode" == if-changed ]]; then
  if [[ -f frontend/dist/index.html && -f frontend/dist/.inputs-sha256 &&
    "$(cat frontend/dist/.inputs-sha256)" == "$fingerprint" ]]; then
    log "frontend/dist/ is up to date (built from the current sources)"
    exit 0
  fi
  mode=build
fi

# --- 1. the wasm32 target --------------------------------------------------------------
if command -v rustup >/dev/null 2>&1; then
  installed_targets="$(rustup target list --installed)"
  if [[ $'\n'"$installed_targets"$'\n' != *$'\n'"$WASM_TARGET"$'\n'* ]]; then
    log "rustup target add $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  fi
else
  warn "rustup not found; assuming the toolchain already has $WASM_TARGET"
fi

if [[ "$mode" == check ]]; then
  log "cargo check -p $CRATE --target $WASM_TARGET"
  cargo check -p "$CRATE" --target "$WASM_TARGET"
  exit 0
fi

for tool in cargo sha256sum gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done

# --- 2. wasm-bindgen-cli matching Cargo.lock ---------------------------------------------
lock_version() {
  [[ -f Cargo.lock ]] || return 0
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock
}
wb_version="$(lock_version)"
if [[ -z "$wb_version" ]]; then
  # No lock file yet (or one without the frontend): let cargo resolve it.
  cargo metadata --format-version 1 >/dev/null
  wb_version="$(lock_version)"
fi
[[ -n "$wb_version" ]] || die "wasm-bindgen is not in Cargo.lock"

# Where to look, first match wins: .tools/bin (an older checkout's install), PATH, and
# cargo's own bin directory (which a fresh shell may not have on PATH yet).
cargo_bin="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
wb_version_of() { "$1" --version 2>/dev/null || true; }
wasm_bindgen=""
found_versions=()
for candidate in "$TOOLS/bin/wasm-bindgen" "$(command -v wasm-bindgen 2>/dev/null || true)" \
  "$cargo_bin/wasm-bindgen"; do
  [[ -n "$candidate" && -x "$candidate" ]] || continue
  version="$(wb_version_of "$candidate")"
  if [[ "$version" == "wasm-bindgen $wb_version" ]]; then
    wasm_bindgen="$candidate"
    break
  fi
  found_versions+=("$candidate: ${version:-unknown}")
done
if [[ -z "$wasm_bindgen" ]]; then
  log "installing wasm-bindgen-cli $wb_version into $cargo_bin (found: ${found_versions[*]:-none}; takes 5-15 minutes, once per machine)"
  # cargo's default root, so every clone on this machine (CI clones into a new directory
  # each time) finds it. No --locked: wasm-bindgen-cli's own lock file pins a yanked crate.
  cargo install wasm-bindgen-cli --version "$wb_version"
  wasm_bindgen="$cargo_bin/wasm-bindgen"
  current_wb="$(wb_version_of "$wasm_bindgen")"
  [[ "$current_wb" == "wasm-bindgen $wb_version" ]] || die "installed wasm-bindgen reports '$current_wb'"
fi

# --- 3. compile ---------------------------------------------------------------------------
log "cargo build -p $CRATE --target $WASM_TARGET --profile $PROFILE"
cargo build -p "$CRATE" --target "$WASM_TARGET" --profile "$PROFILE"

# Where cargo put it: honours CARGO_TARGET_DIR and any build.target-dir config.
target_dir="$(cargo metadata --format-version 1 --no-deps --offline |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[[ -n "$target_dir" ]] || die "could not read target_directory from cargo metadata"
wasm_in="$target_dir/$WASM_TARGET/$PROFILE/$CRATE.wasm" # a bin keeps the dashes
[[ -f "$wasm_in" ]] || die "no $wasm_in"

# --- 4. bindings ----------------------------------------------------------------------------
stage="$target_dir/herald-frontend-stage"
rm -rf "$stage"
mkdir -p "$stage/bindgen" "$stage/dist"
log "wasm-bindgen --target web"
# The name section (function names, ~175 KiB) only helps a debugger; wasm-opt would drop
# it too, but without wasm-opt this keeps the wasm a third smaller.
"$wasm_bindgen" --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$stage/bindgen" --out-name herald "$wasm_in"
js="$stage/bindgen/herald.js"
wasm="$stage/bindgen/herald_bg.wasm"
[[ -f "$js" && -f "$wasm" ]] || die "wasm-bindgen did not write herald.js and herald_bg.wasm"

# --- 5. wasm-opt ----------------------------------------------------------------------------
wasm_opt_version() { "$1" --version 2>/dev/null | sed -n 's/^wasm-opt version \([0-9]*\).*/\1/p'; }

find_wasm_opt() {
  local npm_bin="$TOOLS/node_modules/.bin/wasm-opt" path_bin version
  if [[ -x "$npm_bin" ]]; then
    echo "$npm_bin"
    return
  fi
  if path_bin="$(command -v wasm-opt 2>/dev/null)"; then
    version="$(wasm_opt_version "$path_bin")"
    if [[ -n "$version" && "$version" -ge "$WASM_OPT_MIN_VERSION" ]]; then
      echo "$path_bin"
      return
    fi
    warn "ignoring $path_bin (version ${version:-unknown}; need >= $WASM_OPT_MIN_VERSION)"
  fi
}

wasm_opt_mode="${HERALD_WASM_OPT:-auto}"
case "$wasm_opt_mode" in
  0 | 1 | auto) ;;
  *) die "HERALD_WASM_OPT must be 0, 1 or auto (got '$wasm_opt_mode')" ;;
esac
wasm_opt_note="skipped (HERALD_WASM_OPT=0)"
if [[ "$wasm_opt_mode" != 0 ]]; then
  wasm_opt="$(find_wasm_opt)"
  if [[ -z "$wasm_opt" ]]; then
    if command -v npm >/dev/null 2>&1; then
      log "npm install binaryen@$BINARYEN_NPM_VERSION into .tools/ (for wasm-opt)"
      if npm install --prefix "$TOOLS" --no-audit --no-fund --no-save --loglevel=error \
        "binaryen@$BINARYEN_NPM_VERSION" >&2; then
        wasm_opt="$(find_wasm_opt)"
      else
        warn "npm install binaryen@$BINARYEN_NPM_VERSION failed"
      fi
    fi
  fi
  if [[ -n "$wasm_opt" ]]; then
    log "wasm-opt -Oz ($("$wasm_opt" --version 2>/dev/null))"
    # The features rustc 1.95 enables for wasm32-unknown-unknown (the module's
    # target_features section lists them, and wasm-opt reads it; named here as well in
    # case a later wasm-bindgen drops that section). wasm-opt refuses instructions of
    # features it was not told about.
    if "$wasm_opt" -Oz \
      --enable-mutable-globals --enable-nontrapping-float-to-int --enable-bulk-memory \
      --enable-bulk-memory-opt --enable-sign-ext --enable-reference-types \
      --enable-multivalue --enable-call-indirect-overlong \
      -o "$stage/opt.wasm" "$wasm"; then
      mv "$stage/opt.wasm" "$wasm"
      wasm_opt_note="$wasm_opt"
    elif [[ "$wasm_opt_mode" == 1 ]]; then
      die "wasm-opt failed"
    else
      warn "wasm-opt failed; keeping the unoptimised wasm"
      wasm_opt_note="failed; wasm not optimised"
    fi
  elif [[ "$wasm_opt_mode" == 1 ]]; then
    die "HERALD_WASM_OPT=1 but no wasm-opt is available (and npm could not install one)"
  else
    warn "no wasm-opt (install npm, or binaryen >= $WASM_OPT_MIN_VERSION); the wasm is not optimised"
    wasm_opt_note="not available; wasm not optimised"
  fi
fi

# --- 6. hashed names and index.html ---------------------------------------------------------
# Every file in dist/ except index.html carries a content hash in its name, so the backend
# can serve them `Cache-Control: immutable` and index.html `no-cache`.
dist="$stage/dist"
# Replace the unhashed asset paths (/herald.js, ...) in a template with the hashed ones.
substitute() {
  sed -e "s|/herald_bg\.wasm|/$wasm_name|g" -e "s|/herald\.js|/$js_name|g" \
    -e "s|/style\.css|/$css_name|g" -e "s|/boot\.js|/${boot_name:-boot.js}|g" "$1"
}
# `hashed STEM EXT FILE`: copy FILE to dist/STEM-<16 hex of sha256>.EXT; print that name.
hashed() {
  local name
  name="$1-$(sha256sum "$3" | cut -c1-16).$2"
  cp "$3" "$dist/$name"
  echo "$name"
}

wasm_name="$(hashed herald_bg wasm "$wasm")"
# The loader's default wasm URL (used only when init() is given none) points at the
# hashed file too, so the JS is right on its own. Hashing the JS after this edit ties its
# name to the wasm it belongs to.
sed "s|'herald_bg\.wasm'|'$wasm_name'|g" "$js" >"$stage/herald.js"
js_name="$(hashed herald js "$stage/herald.js")"
css_name="$(hashed style css frontend/style.css)"
substitute frontend/boot.js >"$stage/boot.js"
boot_name="$(hashed boot js "$stage/boot.js")"
substitute frontend/index.html >"$dist/index.html"
echo "$fingerprint" >"$dist/.inputs-sha256"

# A template edited so that a reference no longer matches would ship a blank page.
if ! grep -q "'/$js_name'" "$dist/$boot_name" || ! grep -q "'/$wasm_name'" "$dist/$boot_name"; then
  die "frontend/boot.js must import '/herald.js' and pass '/herald_bg.wasm' to init()"
fi
if ! grep -q "\"/$boot_name\"" "$dist/index.html" || ! grep -q "\"/$css_name\"" "$dist/index.html"; then
  die "frontend/index.html must load \"/boot.js\" and \"/style.css\""
fi

# Swap the finished directory in at once, so a running backend never serves half of it.
rm -rf frontend/dist.old
[[ -d frontend/dist ]] && mv frontend/dist frontend/dist.old
mv "$dist" frontend/dist
rm -rf frontend/dist.old "$stage"

# --- 7. report -------------------------------------------------------------------------------
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

log "frontend/dist/ ready in $((SECONDS - started)) s (wasm-opt: $wasm_opt_note)"
for name in "$wasm_name" "$js_name" "$boot_name" "$css_name" index.html; do
  file="frontend/dist/$name"
  raw="$(wc -c <"$file")"
  gz="$(gzip -9c "$file" | wc -c)"
  printf '  %-34s %10s raw %10s gzipped\n' "$name" "$(kib "$raw")" "$(kib "$gz")"
done
