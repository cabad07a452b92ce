#!/usr/bin/env bash
# Runs every cargo-fuzz target for FUZZ_SECONDS (default 60) each and prints, per target, the
# seconds it fuzzed, its executions (libFuzzer's final stats) and whether it found a crash. Not
# part of CI: `make fuzz`. A crash's reproducer is in fuzz/artifacts/<target>/; replay it with
# `cargo +nightly fuzz run <target> <file>`. FUZZ_TARGETS="a b" runs only those.
#
# Inputs are bounded (-max_len), and so is memory: -rss_limit_mb for the process, and
# -malloc_limit_mb for any one allocation (AddressSanitizer's hooks report a larger one).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
max_len=${FUZZ_MAX_LEN:-65536}
rss_mb=${FUZZ_RSS_MB:-1024}
malloc_mb=${FUZZ_MALLOC_MB:-256}
fuzz=(cargo +nightly fuzz)

"${fuzz[@]}" build || exit 1
mapfile -t targets < <("${fuzz[@]}" list)
if [[ -n ${FUZZ_TARGETS:-} ]]; then read -r -a targets <<<"$FUZZ_TARGETS"; fi

failed=0
results=()
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus" fuzz/artifacts
  # Seeds (read only: libFuzzer adds new inputs to the first directory alone).
  seeds=()
  case $target in
    slack_form | slack_events_json | slack_adapter_parse) seeds=(adapters/slack/tests/data) ;;
    line_parse) seeds=(adapters/line/tests/data) ;;
    envelope_json) seeds=(fuzz/seeds/envelope_json) ;;
    discord_interaction) seeds=(fuzz/seeds/discord_interaction) ;;
  esac
  dict=()
  case $target in
    envelope_json | slack_events_json | slack_adapter_parse | line_parse) dict=(-dict=fuzz/json.dict) ;;
  esac
  log=fuzz/artifacts/$target.log
  echo "== $target: ${seconds}s" >&2
  "${fuzz[@]}" run "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb="$rss_mb" \
    -malloc_limit_mb="$malloc_mb" -print_final_stats=1 "${dict[@]}" >"$log" 2>&1
  status=$?
  took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -n 1 | awk '{print $5}')
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
  if [[ $status -eq 0 ]]; then
    verdict=ok
  else
    failed=1
    artifact=$(grep -o 'fuzz/artifacts/[^ ]*' "$log" | grep -v '\.log$' | tail -n 1)
    verdict="FAILED (exit $status) ${artifact:-see $log}"
    grep -m 5 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" >&2
  fi
  results+=("$(printf '%-22s %5ss %12s execs  %s' "$target" "${took:-?}" "${execs:-?}" "$verdict")")
done

printf '\n%-22s %6s %18s  %s\n' target time executions result
printf '%s\n' "${results[@]}"
exit $failed
