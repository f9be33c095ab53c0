# Scheduling: the machine-wide slot path (goal: under 0.2 ms a leg), and a skewed matrix's makespan with history
# (goal: within 5 % of the optimum) and shard balance.
header "Shared slots: take and give back a machine-wide slot, admission included, no spawn"
line=$($bench shared-slot 100000) || return 1
echo "  $line"
us=$(echo "$line" | grep -o '[0-9.]* µs' | grep -o '[0-9.]*')
table_row "Shared slot, take and give back" "$us µs" "" "" "≤ 200 µs ($(verdict "$us" 200))"

if [ "$quick" = 1 ]; then
  echo "  (scheduling by history: skipped in --quick, it sleeps about 30 s)"
  return 0
fi

header "Scheduling by history: a skewed matrix's makespan, and shard balance (about 30 s)"
$bench schedule | tee "$out/schedule.txt" || return 1
with=$(grep 'with history' "$out/schedule.txt" | grep -o 'optimum = [0-9.]*' | grep -o '[0-9.]*$')
declared=$(grep 'declaration order' "$out/schedule.txt" | grep -o 'optimum = [0-9.]*' | grep -o '[0-9.]*$')
table_row "Skewed matrix with history, makespan / optimum" "$with" "declaration order $declared" "$with ($(verdict "$with" 1.05))" "≤ 1.05"
