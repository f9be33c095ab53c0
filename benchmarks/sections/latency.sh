# Latency: a timed-out leg's process group (which ignores SIGTERM) is dead within grace + 100 ms of the timeout;
# on Ctrl+C (SIGINT to the engine host) the summary is printed within grace + 250 ms.
grace=2
runs=5
[ "$quick" = 1 ] && grace=1 runs=2

header "Timeout latency: timeout 1 s, grace $grace s, a group that ignores SIGTERM ($runs runs; ms after timeout + grace)"
dead="" returned=""
for run in $(seq "$runs"); do
  read -r d r < <($bench timeout-latency 1 "$grace") || return 1
  dead="$dead $d" returned="$returned $r"
done
worst=$(python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" $dead)
printf '  group dead (watched from outside) late by (ms): %s   worst %s ms (goal: at most 100, %s)\n' "$dead" "$worst" "$(verdict "$worst" 100)"
printf '  run returned (escape search, output drained, result built) late by (ms): %s\n' "$returned"
table_row "Timeout → group dead (grace $grace s)" "grace + ${worst} ms (worst of $runs)" "" "" "≤ grace + 100 ms ($(verdict "$worst" 100))"

header "Ctrl+C latency: SIGINT to the host running 2 legs that ignore SIGTERM, grace $grace s ($runs runs; ms after signal + grace)"
late=""
for run in $(seq "$runs"); do
  late="$late $(python3 - "$grace" $bench cancel-latency "$grace" <<'PY'
import subprocess, sys, time, signal
grace = float(sys.argv[1])
# A script run in the background has SIGINT ignored, and a host started so keeps ignoring it: undo that.
host = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
assert host.stdout.readline().strip() == "ready"
sent = time.monotonic()
host.send_signal(signal.SIGINT)
for line in host.stdout:
    if line.strip() == "summary printed":
        printed = time.monotonic()
        break
else:
    sys.exit("the host never printed its summary")
host.wait()
print(f"{(printed - sent - grace) * 1000:.0f}")
PY
)" || return 1
done
worst=$(python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" $late)
printf '  late by (ms): %s   worst %s ms (goal: at most 250, %s)\n' "$late" "$worst" "$(verdict "$worst" 250)"
table_row "Ctrl+C → summary printed (grace $grace s)" "grace + ${worst} ms (worst of $runs)" "" "" "≤ grace + 250 ms ($(verdict "$worst" 250))"
