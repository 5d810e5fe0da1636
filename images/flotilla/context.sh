#!/usr/bin/env bash
# Fills a build context for flotilla/flotilla: rootfs/ (node + the libraries it
# links) and app/ (dist, bin, package.json, production node_modules only).
# usage: context.sh CONTEXT_DIR   (run from the repository root, after `npm run build`)
set -euo pipefail
ctx=$1
node_bin=$(command -v node)
for f in "$node_bin" $(ldd "$node_bin" | grep -o '/[^ ]*'); do
  mkdir -p "$ctx/rootfs$(dirname "$f")"; cp -L "$f" "$ctx/rootfs$f"
done
mkdir -p "$ctx/rootfs/usr/local/bin"; ln -sf "$node_bin" "$ctx/rootfs/usr/local/bin/node"
mkdir -p "$ctx/app"
cp -r dist bin package.json "$ctx/app/"
# The web console's static files (plain ES modules, served as they are; swc does not copy them).
mkdir -p "$ctx/app/apps/manager" && cp -r apps/manager/ui "$ctx/app/apps/manager/"
# Production dependencies only: every package directory npm lists without dev ones.
npm ls --omit=dev --all --parseable 2>/dev/null | tail -n +2 | while read -r dir; do
  rel=${dir#"$PWD"/}
  mkdir -p "$ctx/app/$(dirname "$rel")"
  [ -e "$ctx/app/$rel" ] || cp -r "$dir" "$ctx/app/$rel"
done
