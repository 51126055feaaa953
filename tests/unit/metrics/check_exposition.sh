#!/bin/sh
# Usage: check_exposition.sh <nz_metrics_sample> <promtool>
# Fails if the sample program fails, prints nothing, or if promtool reports any
# problem (non-zero exit) or prints anything at all (lint findings).
set -u
sample=$1
promtool=$2
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
if ! "$sample" >"$tmp"; then
  echo "sample program failed"
  exit 1
fi
if [ ! -s "$tmp" ]; then
  echo "sample program printed nothing"
  exit 1
fi
out=$("$promtool" check metrics <"$tmp" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
  echo "promtool exit code $rc:"
  echo "$out"
  exit 1
fi
echo "promtool: $(grep -c '^# TYPE' "$tmp") families, $(grep -vc '^#' "$tmp") samples, clean"
