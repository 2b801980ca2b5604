# Shared by the benchmark scripts (sourced): waiting for a quiet machine before a timed run.

# CPU time (jiffies) the whole machine spent busy so far, steal included: the time around a run minus
# the run's own CPU time is what other processes took, which makes wall times noisy on a shared host.
busy_jiffies() {
  local _cpu user nice system _idle _iowait irq softirq steal _rest
  read -r _cpu user nice system _idle _iowait irq softirq steal _rest </proc/stat
  echo $((user + nice + system + irq + softirq + steal))
}
hz="$(getconf CLK_TCK)"

# wait_for_quiet SECONDS NAME: waits up to SECONDS until the machine is nearly idle (under a quarter
# of one CPU) over 2 s; says so, as NAME, when it never was.
wait_for_quiet() {
  local limit="$1" name="$2" deadline=$((SECONDS + $1)) b0 b1
  while ((SECONDS < deadline)); do
    b0="$(busy_jiffies)"
    sleep 2
    b1="$(busy_jiffies)"
    if (((b1 - b0) * 4 < 2 * hz)); then return; fi
  done
  if ((limit > 0)); then echo "$name: the machine stayed busy for $limit s; measuring anyway" >&2; fi
}
