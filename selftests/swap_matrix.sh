#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_matrix.sh [MODEL...]: every ordered pair of the given NIC models
# (default: every model under test in this guest), each swap once, in one
# tour under one live TCP stream (swap_tour.sh): an Eulerian circuit of the
# complete directed graph, found with Hierholzer's algorithm, starting and
# ending on the first model.

. /shadow/selftests/lib/lib.sh

if (($#)); then
	models=("$@")
else
	mapfile -t models < <(awk '$4 == "test" { print $1 }' "$NICS_FILE")
fi
n=${#models[@]}
((n >= 2)) || skip "fewer than two NIC models"

# next[v]: the next out-neighbour offset of v not yet used.
declare -a next stack circuit
for ((v = 0; v < n; v++)); do next[v]=1; done
stack=(0)
while ((${#stack[@]})); do
	v=${stack[-1]}
	if ((next[v] < n)); then
		stack+=($(((v + next[v]) % n)))
		next[v]=$((next[v] + 1))
	else
		circuit=("$v" "${circuit[@]}")
		unset 'stack[-1]'
	fi
done
tour=()
for v in "${circuit[@]}"; do tour+=("${models[v]}"); done
log "matrix of $n models: ${#circuit[@]} stops, $((n * (n - 1))) swaps"
# A slower stream than a short tour's: the sender forks per block, and
# over 72 swaps on one emulated CPU that would slow every check.
RATE_KBIT=${RATE_KBIT:-500} exec bash /shadow/selftests/swap_tour.sh "${tour[@]}"
