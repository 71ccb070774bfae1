#!/usr/bin/env bash
# A real OpenSearch cluster on 127.0.0.1 for the integration tests, and for a user trying
# `searcher push` and `searcher query --opensearch` before they point them at their own cluster.
#
#   node.sh start    fetch OpenSearch (Maven Central's integration-test distribution, cached in
#                    ~/.m2), start the nodes, wait until the cluster is green; prints the URL
#   node.sh stop     stop the nodes this script started
#   node.sh status   the cluster's health, or exit 1 when it is not running
#
# Settings (environment): SEARCHER_OS_NODES (2; 1 on a small machine), SEARCHER_OS_HEAP (512m a
# node), SEARCHER_OS_PORT (9200: node n listens on 9200+n-1 for HTTP, 9300+n-1 for transport),
# SEARCHER_OS_HOME (where the distribution is unpacked and the nodes keep data and logs; never
# inside the repository), SEARCHER_OS_FRESH=1 (start with no data: CI does). OpenSearch refuses to run as root, so as root the nodes run as nobody.
set -euo pipefail

VERSION="${SEARCHER_OS_VERSION:-2.19.6}"  # 2.19.x: the newest line that runs on Java 17
NODES="${SEARCHER_OS_NODES:-2}"
HEAP="${SEARCHER_OS_HEAP:-512m}"
PORT="${SEARCHER_OS_PORT:-9200}"
TRANSPORT=$((PORT + 100))
HOME_DIR="${SEARCHER_OS_HOME:-/var/tmp/searcher-opensearch}"
DIST="$HOME_DIR/opensearch-$VERSION"
RUN="$HOME_DIR/run-$PORT"
URL="http://127.0.0.1:$PORT"
WAIT_SECONDS="${SEARCHER_OS_WAIT:-180}"

say() { echo "node.sh: $*" >&2; }
fail() { say "$*"; exit 1; }

fetch() {
    [[ -x "$DIST/bin/opensearch" ]] && return
    command -v java >/dev/null || fail "no java on PATH; install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
    command -v mvn >/dev/null || fail "no mvn on PATH; install Maven (apt-get install maven)"
    local artifact="org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip"
    mkdir -p "$HOME_DIR"
    # dependency:copy resolves through ~/.m2 (downloading once) and copies the zip out of it.
    say "fetching $artifact (cached in ~/.m2 after the first time; about 56 MB)"
    mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$artifact" \
        -DoutputDirectory="$HOME_DIR" >&2 || fail "could not fetch $artifact with Maven"
    local zip="$HOME_DIR/opensearch-$VERSION.zip"
    local tmp
    tmp="$(mktemp -d "$HOME_DIR/unpack.XXXXXX")"
    unzip -q "$zip" -d "$tmp"
    mv "$tmp/opensearch-$VERSION" "$DIST"
    rmdir "$tmp"
    rm "$zip"
    chmod -R a+rX "$HOME_DIR"
}

java_home() {  # the distribution has no JDK of its own: the one on PATH, or JAVA_HOME's
    if [[ -n "${JAVA_HOME:-}" ]]; then echo "$JAVA_HOME"; return; fi
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

pids() {
    local file
    for file in "$RUN"/node-*/pid; do
        [[ -f "$file" ]] && echo "$(<"$file")"  # the file has no line end
    done
    return 0
}

running() {
    local pid
    for pid in $(pids); do
        kill -0 "$pid" 2>/dev/null && return 0
    done
    return 1
}

configure() {  # node number → its config dir, data and logs under $RUN/node-n
    local n=$1 dir="$RUN/node-$1"
    local seeds="" names="" i
    for ((i = 1; i <= NODES; i++)); do
        seeds+="\"127.0.0.1:$((TRANSPORT + i - 1))\","
        names+="\"node-$i\","
    done
    mkdir -p "$dir/config" "$dir/data" "$dir/logs"
    cp "$DIST/config/log4j2.properties" "$dir/config/"
    # The heap capped; GC log and heap dumps in the node's own folders (the defaults are relative
    # to the working directory).
    sed -e "s/^-Xms.*/-Xms$HEAP/; s/^-Xmx.*/-Xmx$HEAP/" \
        -e "s|file=logs/|file=$dir/logs/|; s|ErrorFile=logs/|ErrorFile=$dir/logs/|" \
        -e "s|HeapDumpPath=data|HeapDumpPath=$dir/data|" \
        "$DIST/config/jvm.options" > "$dir/config/jvm.options"
    mkdir -p "$dir/config/jvm.options.d"
    cat > "$dir/config/opensearch.yml" <<YML
cluster.name: searcher-test
node.name: node-$n
network.host: 127.0.0.1
http.port: $((PORT + n - 1))
transport.port: $((TRANSPORT + n - 1))
path.data: $dir/data
path.logs: $dir/logs
discovery.seed_hosts: [${seeds%,}]
cluster.initial_cluster_manager_nodes: [${names%,}]
# A test machine's disk may be fuller than the watermarks allow; replicas must still be placed.
cluster.routing.allocation.disk.threshold_enabled: false
YML
    if [[ $NODES == 1 ]]; then
        sed -i '/^discovery.seed_hosts/d; /^cluster.initial_cluster_manager_nodes/d' \
            "$dir/config/opensearch.yml"
        echo "discovery.type: single-node" >> "$dir/config/opensearch.yml"
    fi
}

health() {
    curl -fsS --max-time 5 "$URL/_cluster/health?$1" 2>/dev/null
}

start() {
    if running; then
        say "already running at $URL"
        echo "$URL"
        return
    fi
    command -v java >/dev/null || fail "no java on PATH; install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
    fetch
    local started n owner=() pid
    started=$EPOCHREALTIME
    [[ "${SEARCHER_OS_FRESH:-}" == 1 ]] && rm -rf "$RUN"
    mkdir -p "$RUN"
    [[ $(id -u) == 0 ]] && owner=(runuser -u nobody --)
    for ((n = 1; n <= NODES; n++)); do
        configure "$n"
        [[ $(id -u) == 0 ]] && chown -R nobody:nogroup "$RUN/node-$n"
        # The tmp dir is the node's own: the default, /tmp, may be shared with other users.
        mkdir -p "$RUN/node-$n/tmp" && { [[ $(id -u) != 0 ]] || chown nobody "$RUN/node-$n/tmp"; }
        "${owner[@]}" env OPENSEARCH_PATH_CONF="$RUN/node-$n/config" \
            OPENSEARCH_TMPDIR="$RUN/node-$n/tmp" \
            OPENSEARCH_JAVA_HOME="$(java_home)" PATH="$PATH" \
            "$DIST/bin/opensearch" -d -p "$RUN/node-$n/pid" \
            > "$RUN/node-$n/start.log" 2>&1 \
            || { cat "$RUN/node-$n/start.log" >&2; fail "node-$n did not start; see $RUN/node-$n/logs"; }
    done
    local deadline=$(( $(date +%s) + WAIT_SECONDS ))
    until health "wait_for_status=green&wait_for_nodes=$NODES&timeout=5s" \
            | grep -q '"status":"green"'; do
        # A daemonized node writes its pid file a few seconds after the launcher returns.
        if (( $(date +%s) > deadline )) || { [[ -n "$(pids)" ]] && ! running; }; then
            for ((n = 1; n <= NODES; n++)); do tail -n 20 "$RUN/node-$n/logs/searcher-test.log" >&2 || true; done
            stop || true
            fail "the cluster did not turn green within ${WAIT_SECONDS}s"
        fi
        sleep 1
    done
    local rss=0
    for pid in $(pids); do
        rss=$(( rss + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status") ))
    done
    say "$NODES node(s) green at $URL in $(awk "BEGIN {printf \"%.1f\", $EPOCHREALTIME - $started}") s; RSS $((rss / 1024)) MB (heap $HEAP a node)"
    echo "$URL"
}

stop() {
    local pid
    for pid in $(pids); do
        kill "$pid" 2>/dev/null || true
    done
    for _ in $(seq 60); do
        running || break
        sleep 1
    done
    for pid in $(pids); do
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -f "$RUN"/node-*/pid
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        running || { say "not running"; exit 1; }
        health "" && echo ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
