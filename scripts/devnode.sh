#!/usr/bin/env bash
# Runs the session-key flow against a real Arbitrum Nitro node: a Nitro dev
# node ("--dev": one sequencer, no parent chain, chain id 412346, one
# prefunded account) in Docker, set up the way OffchainLabs/nitro-devnode sets
# it up, as far as our deploy needs it.
#
#   scripts/devnode.sh start   start the node (or reuse a running one), wait for
#                              its RPC, make sure the CREATE2 proxy exists
#   scripts/devnode.sh stop    stop and remove the node's container
#   scripts/devnode.sh test    start, build the contracts, deploy them with the
#                              session-keys CLI, run the e2e RPC tests, stop
#                              (the default)
#
# Environment:
#   NITRO_IMAGE      Docker image (default offchainlabs/nitro-node:v3.7.1-926f1ab,
#                    the one nitro-devnode pins)
#   NITRO_PORT       host port of the JSON-RPC endpoint (default 8547); the
#                    node is published on 127.0.0.1 only
#   NITRO_CONTAINER  container name (default session-keys-nitro-dev)
#   NITRO_TIMEOUT    seconds to wait for the RPC to answer (default 120)
#   KEEP_NODE=1      `test` leaves the node running
#   SESSION_KEYS_PRIVATE_KEY  key for `test` (default: the dev key)
#
# Needs docker, curl and cargo. No Foundry: the few setup transactions are
# presigned (see SETUP_TXS). Without Docker, use the embedded local chain:
#   cargo run --release --bin session-keys -- node
#
# Exit codes: 0 ok, 1 failure, 2 docker/curl missing or the daemon is not
# running, 64 bad usage.

# ---------------------------------------------------------------- settings

NITRO_IMAGE="${NITRO_IMAGE:-offchainlabs/nitro-node:v3.7.1-926f1ab}"
NITRO_PORT="${NITRO_PORT:-8547}"
NITRO_CONTAINER="${NITRO_CONTAINER:-session-keys-nitro-dev}"
NITRO_TIMEOUT="${NITRO_TIMEOUT:-120}"
RPC_URL="http://127.0.0.1:${NITRO_PORT}"

# `--dev` prefunds this account (1,000 ETH) and makes it the chain owner. Its
# key is public (Nitro's dev wallet): never use it on a real network.
DEV_ADDRESS=0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E
DEV_KEY=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659
CHAIN_ID=412346
CHAIN_ID_HEX=0x64aba

# The deterministic deployment proxy (Arachnid's CREATE2 factory), deployed by
# the well-known keyless transaction: pre-EIP-155 (no chain id, so the same
# bytes work on every chain; Nitro accepts unprotected transactions over RPC),
# gas price 100 gwei, gas limit 100,000, from a one-time signer that needs
# 0.01 ETH. The signer's nonce-0 contract is the proxy.
CREATE2_PROXY=0x4e59b44847b379578588920ca78fbf26c0b4956c
CREATE2_SIGNER=0x3fab184622dc19b6109349b94811493bf2a45362
CREATE2_DEPLOY_TX=0xf8a58085174876e800830186a08080b853604580600e600039806000f350fe7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf31ba02222222222222222222222222222222222222222222222222222222222222222a02222222222222222222222222222222222222222222222222222222222222222

# The dev account's setup transactions, signed offline with DEV_KEY: legacy
# EIP-155 transactions for chain 412346, nonces 0, 1, 2, gas price 1 gwei, gas
# limit 3,000,000. A fresh dev node charges for L1 data at 50 gwei per unit,
# which costs a ~110-byte transaction about a million gas at the 0.1 gwei base
# fee, so the limit is generous; unused gas is refunded. Reproduce them by
# signing the fields below with any Ethereum library.
#   0 ArbDebug(0xff).becomeChainOwner()        data 0x0e5bbc11
#     (a no-op on current images, where --dev already makes the dev account
#     the owner; older ones started without an owner)
#   1 ArbOwner(0x70).setL1PricePerUnit(0)      data 0x2b352fae ++ 32 zero bytes
#     (as nitro-devnode does: otherwise the proxy's fixed 100,000-gas limit
#     cannot pay for its L1 data; estimates then carry no L1 component)
#   2 transfer 0.1 ETH to CREATE2_SIGNER
SETUP_NAMES=(
  "becomeChainOwner()"
  "setL1PricePerUnit(0)"
  "fund the proxy's one-time signer"
)
SETUP_TXS=(
  0xf86b80843b9aca00832dc6c09400000000000000000000000000000000000000ff80840e5bbc11830c9598a0a0ebdbccfa1944827eb05f47e303da98d5438b45863e8e65fe7f6c0e617cc9cda06ea3e8de7b582db849ac22a04364305dc629ca8e3fcf920bc140020edff13977
  0xf88b01843b9aca00832dc6c094000000000000000000000000000000000000007080a42b352fae0000000000000000000000000000000000000000000000000000000000000000830c9597a0820afa0aa20487a0ce4547af0d2229cc64685b171da1510c8738758050ae3203a041e6f07cd1b39320df11e951dc9e402631eb571a5d2e47fd4e9f721bf6615bd6
  0xf86f02843b9aca00832dc6c0943fab184622dc19b6109349b94811493bf2a4536288016345785d8a000080830c9598a02fcc44f4e9c92edeeabe18292aa964e0630a02aac09d229c53ff9959810d4823a0506bb35c776789956cdcaae5011cbe7fdc345ec9608866ba61a32f5a3739aa06
)

# ---------------------------------------------------------------- helpers

die() {
  echo "error: $*" >&2
  exit 1
}

# Prints what to do without Docker, then exits 2.
no_docker() {
  {
    echo "error: $1"
    echo
    echo "This script runs a Nitro dev node in Docker. $2"
    echo
    echo "No Docker? The embedded local chain needs nothing but Rust:"
    echo "  cargo run --release --bin session-keys -- node"
  } >&2
  exit 2
}

need_curl() {
  command -v curl >/dev/null 2>&1 || {
    echo "error: curl is not installed; install it (e.g. apt-get install curl) and run again" >&2
    exit 2
  }
}

need_docker() {
  command -v docker >/dev/null 2>&1 ||
    no_docker "docker is not installed (not found on PATH)." \
      "Install Docker Engine (Linux: https://docs.docker.com/engine/install/) or Docker Desktop (macOS, Windows: https://docs.docker.com/get-docker/), start it, and run this again."
  local out
  if ! out=$(docker info 2>&1 >/dev/null); then
    no_docker "docker is installed but its daemon does not answer:
  $(printf '%s\n' "$out" | grep -v '^[[:space:]]*$' | tail -n 1)" \
      "Start the daemon (Linux: sudo systemctl start docker; macOS, Windows: open Docker Desktop), or, on Linux, give your user access to it (sudo usermod -aG docker \"\$USER\", then log in again), and run this again."
  fi
}

check_settings() {
  if ! [[ $NITRO_PORT =~ ^[0-9]{1,5}$ ]] || ((10#$NITRO_PORT < 1 || 10#$NITRO_PORT > 65535)); then
    echo "error: NITRO_PORT must be a port number, not '$NITRO_PORT'" >&2
    exit 64
  fi
  if ! [[ $NITRO_TIMEOUT =~ ^[0-9]{1,6}$ ]]; then
    echo "error: NITRO_TIMEOUT must be a number of seconds, not '$NITRO_TIMEOUT'" >&2
    exit 64
  fi
  NITRO_TIMEOUT=$((10#$NITRO_TIMEOUT))
}

# rpc METHOD PARAMS_JSON: prints the raw JSON-RPC response; fails if the
# endpoint does not answer within RPC_MAX_TIME seconds (default 10).
rpc() {
  curl -sS --max-time "${RPC_MAX_TIME:-10}" -H 'Content-Type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" \
    "$RPC_URL"
}

# json_string FIELD: reads a JSON object on stdin, prints FIELD's string value
# (empty if FIELD is absent or not a string). Enough for Nitro's compact JSON.
json_string() {
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" | head -n 1
}

# rpc_result METHOD PARAMS_JSON: prints the string result, or dies with the
# node's error.
rpc_result() {
  local body result
  body=$(rpc "$1" "$2") || die "$1: no answer from $RPC_URL"
  result=$(json_string result <<<"$body")
  [[ -n $result ]] || die "$1 failed: $body"
  printf '%s\n' "$result"
}

container_state() {
  docker inspect -f '{{.State.Status}}' "$NITRO_CONTAINER" 2>/dev/null || true
}

# Waits until eth_chainId answers, at most NITRO_TIMEOUT seconds. Gives up
# early, with the container's last log lines, if the container stops.
# WAIT_CONTAINER=0 skips the container check (an endpoint not run by us).
wait_for_rpc() {
  local deadline=$((SECONDS + NITRO_TIMEOUT)) body state
  echo "Waiting for the node at $RPC_URL (up to ${NITRO_TIMEOUT}s)..."
  while :; do
    if body=$(RPC_MAX_TIME=2 rpc eth_chainId '[]' 2>/dev/null) && [[ $body == *'"result"'* ]]; then
      break
    fi
    if [[ ${WAIT_CONTAINER:-1} == 1 ]]; then
      state=$(container_state)
      if [[ $state != running ]]; then
        echo "error: the node's container stopped (state: ${state:-gone}); its last log lines:" >&2
        docker logs --tail 40 "$NITRO_CONTAINER" >&2 2>&1 || true
        exit 1
      fi
    fi
    if ((SECONDS >= deadline)); then
      echo "error: $RPC_URL did not answer eth_chainId within ${NITRO_TIMEOUT}s." >&2
      if [[ ${WAIT_CONTAINER:-1} == 1 ]]; then
        echo "The container is running; its last log lines (docker logs $NITRO_CONTAINER):" >&2
        docker logs --tail 20 "$NITRO_CONTAINER" >&2 2>&1 || true
      fi
      echo "Raise NITRO_TIMEOUT if the node is just slow to start." >&2
      exit 1
    fi
    sleep 1
  done
  local chain_id
  chain_id=$(json_string result <<<"$body")
  if [[ $chain_id != "$CHAIN_ID_HEX" ]]; then
    echo "warning: chain id is $chain_id, not $CHAIN_ID_HEX ($CHAIN_ID); is this a Nitro --dev node?" >&2
  fi
}

# send_raw NAME RAW_TX: sends a signed transaction and waits for its receipt;
# returns 1 if it reverted.
send_raw() {
  local name=$1 raw=$2 body hash receipt deadline
  body=$(rpc eth_sendRawTransaction "[\"$raw\"]") || die "$name: no answer from $RPC_URL"
  hash=$(json_string result <<<"$body")
  [[ -n $hash ]] || die "$name: the node refused the transaction: $body"
  deadline=$((SECONDS + 30))
  while :; do
    receipt=$(rpc eth_getTransactionReceipt "[\"$hash\"]") || die "$name: no answer from $RPC_URL"
    if [[ $receipt =~ \"status\"[[:space:]]*:[[:space:]]*\"(0x[0-9a-f]+)\" ]]; then
      [[ ${BASH_REMATCH[1]} == 0x1 ]] && return 0
      echo "warning: $name reverted (tx $hash)" >&2
      return 1
    fi
    ((SECONDS < deadline)) || die "$name: no receipt for $hash after 30s"
    sleep 0.2
  done
}

# Makes sure the deterministic deployment proxy exists: nitro-devnode's setup
# (chain owner, L1 price 0, fund the one-time signer, the keyless deploy).
ensure_create2_proxy() {
  local code nonce i
  code=$(rpc_result eth_getCode "[\"$CREATE2_PROXY\",\"latest\"]")
  if [[ $code != 0x ]]; then
    echo "CREATE2 proxy present at $CREATE2_PROXY"
    return
  fi
  echo "Deploying the CREATE2 proxy at $CREATE2_PROXY..."
  nonce=$(rpc_result eth_getTransactionCount "[\"$DEV_ADDRESS\",\"latest\"]")
  if [[ $nonce != 0x0 ]]; then
    die "the dev account has already sent transactions (nonce $nonce), but the presigned setup transactions need a fresh node: run '$0 stop', then '$0 start'"
  fi
  for i in "${!SETUP_TXS[@]}"; do
    echo "  ${SETUP_NAMES[$i]}"
    if ! send_raw "${SETUP_NAMES[$i]}" "${SETUP_TXS[$i]}"; then
      # becomeChainOwner may revert on an image without ArbDebug; the next
      # transaction shows whether the dev account owns the chain anyway.
      ((i == 0)) || die "setup transaction '${SETUP_NAMES[$i]}' reverted"
    fi
  done
  nonce=$(rpc_result eth_getTransactionCount "[\"$CREATE2_SIGNER\",\"latest\"]")
  [[ $nonce == 0x0 ]] || die "the proxy's one-time signer has nonce $nonce on this chain, so the proxy cannot be deployed at $CREATE2_PROXY"
  echo "  the keyless proxy deployment"
  send_raw "proxy deployment" "$CREATE2_DEPLOY_TX" || die "the proxy deployment reverted"
  code=$(rpc_result eth_getCode "[\"$CREATE2_PROXY\",\"latest\"]")
  [[ $code != 0x ]] || die "the proxy deployment succeeded but $CREATE2_PROXY has no code"
  echo "CREATE2 proxy deployed at $CREATE2_PROXY"
}

# ---------------------------------------------------------------- commands

cmd_start() {
  need_curl
  need_docker
  local state
  state=$(container_state)
  if [[ $state == running ]]; then
    echo "Reusing the running container $NITRO_CONTAINER"
  else
    if [[ -n $state ]]; then
      docker rm -f "$NITRO_CONTAINER" >/dev/null
    fi
    if ! docker image inspect "$NITRO_IMAGE" >/dev/null 2>&1; then
      echo "Pulling $NITRO_IMAGE..."
      docker pull "$NITRO_IMAGE" ||
        die "could not pull $NITRO_IMAGE (no access to Docker Hub? set NITRO_IMAGE to an image you have)"
    fi
    echo "Starting $NITRO_IMAGE as $NITRO_CONTAINER on $RPC_URL..."
    # The flags nitro-devnode passes; --dev expands in place to the dev-chain
    # defaults (dev init, sequencer, no L1, chain id 412346), and the flags
    # after it override them: listen on all interfaces inside the container.
    # Published on 127.0.0.1 only: the dev key is public. No --rm, so the
    # logs survive a crash; `stop` removes the container.
    docker run -d --name "$NITRO_CONTAINER" -p "127.0.0.1:${NITRO_PORT}:8547" \
      "$NITRO_IMAGE" \
      --dev --http.addr 0.0.0.0 --http.api=net,web3,eth,debug --http.vhosts='*' \
      >/dev/null || die "docker run failed (is port $NITRO_PORT already in use? set NITRO_PORT)"
  fi
  wait_for_rpc
  ensure_create2_proxy
  cat <<EOF

Nitro dev node ready.
  RPC URL   $RPC_URL (chain id $CHAIN_ID)
  dev key   export SESSION_KEYS_PRIVATE_KEY=$DEV_KEY
            (account $DEV_ADDRESS, prefunded; a public key, for this dev chain only)
  deploy    cargo run --release --bin session-keys -- deploy --rpc $RPC_URL
  stop      $0 stop
EOF
}

cmd_stop() {
  need_docker
  if [[ -n $(container_state) ]]; then
    docker rm -f "$NITRO_CONTAINER" >/dev/null
    echo "Stopped and removed $NITRO_CONTAINER"
  else
    echo "No container named $NITRO_CONTAINER"
  fi
}

# On exit from `test`: stop the node unless KEEP_NODE=1, keep the exit code.
finish_test() {
  local status=$?
  if [[ ${KEEP_NODE:-0} == 1 ]]; then
    echo "KEEP_NODE=1: the node keeps running at $RPC_URL ('$0 stop' to stop it)"
  else
    cmd_stop || true
  fi
  exit "$status"
}

cmd_test() {
  need_curl
  need_docker
  trap finish_test EXIT
  cmd_start
  local key="${SESSION_KEYS_PRIVATE_KEY:-$DEV_KEY}"
  echo
  echo "== build the contracts"
  scripts/build-contracts.sh
  echo
  echo "== deploy (writes deployments/$CHAIN_ID.json)"
  SESSION_KEYS_PRIVATE_KEY="$key" \
    cargo run --release --bin session-keys -- deploy --rpc "$RPC_URL"
  echo
  echo "== end-to-end tests over RPC"
  STYLUS_RPC_URL="$RPC_URL" SESSION_KEYS_PRIVATE_KEY="$key" \
    cargo test -p e2e --test rpc -- --nocapture
}

# The header comment above, without its '#'s.
usage() {
  sed -n '2,/^$/p' "$SCRIPT" | sed 's/^# \{0,1\}//'
}

main() {
  set -euo pipefail
  SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
  cd "$(dirname "$SCRIPT")/.."
  local cmd=${1:-test}
  if (($# > 1)); then
    usage >&2
    exit 64
  fi
  case $cmd in
    start | stop | test) check_settings ;;
  esac
  case $cmd in
    start) cmd_start ;;
    stop) cmd_stop ;;
    test) cmd_test ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 64
      ;;
  esac
}

# Run only when executed, so the helpers can be sourced and tested alone.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
