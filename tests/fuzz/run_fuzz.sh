#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_fuzz.sh SECONDS SUMMARY TARGET...
#
# Write the seed corpora (build/gen_seeds), then run each libFuzzer target
# in build/ for SECONDS seconds over its seeds and its working corpus
# (build/corpus/TARGET, kept between runs).  A target passes when it ran
# its time out without finding anything: a crash, a leak, a timeout or an
# out-of-memory is a failure, with the input left in build/crash-TARGET-*.
# Prints each target's executions, speed and coverage; writes
# "passed=N failed=N" to SUMMARY; the last line printed is
# "fuzz: N passed, N failed"; exits non-zero if anything failed.

secs=$1
summary=$2
shift 2
cd "$(dirname "$0")" || exit 1
passed=0
failed=0

rm -rf build/seeds
if ! build/gen_seeds build/seeds >build/gen_seeds.log 2>&1; then
	cat build/gen_seeds.log
	echo "fuzz: the seed generator failed"
	echo "passed=0 failed=1" >"$summary"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi

# The rule-language parser starts from the shipped rule files.
mkdir -p build/seeds/rulefile
cp ../../rules/*.rules build/seeds/rulefile/

for target in "$@"; do
	name=${target#fuzz_}
	log=build/$target.log
	mkdir -p "build/corpus/$name"
	rm -f "build/crash-$name-"*
	ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=4} \
	"build/$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="build/crash-$name-" \
		"build/corpus/$name" "build/seeds/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 |
		sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/\1 edges, \2 features, \3 inputs/p')
	crashes=$(find build -maxdepth 1 -name "crash-$name-*" | wc -l)
	if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]; then
		echo "fuzz: $target: PASS: ${runs:-?} runs, ${speed:-?} exec/s, coverage ${cov:-?}"
		passed=$((passed + 1))
	else
		grep -E -A 30 '^==[0-9]+==|fuzz_(track|parse|rulefile): |runtime error' "$log" | head -n 60
		echo "fuzz: $target: FAIL (status $rc): input in build/crash-$name-*, log in tests/fuzz/$log"
		failed=$((failed + 1))
	fi
done

echo "passed=$passed failed=$failed" >"$summary"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
