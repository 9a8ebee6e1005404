#!/usr/bin/env bash
# Builds Benchmarks/transport/main.swift with swiftc -O (no SwiftPM: fast, and it can build an
# older tree too), against the engine and the HTTP client of a source tree.
#   Benchmarks/transport/build.sh [TREE] [OUTPUT]
# TREE defaults to this checkout (CurlTransport). A tree without Sources/TraktQLCurl is built
# with -D OLD_CLIENT (the engine's own SocketHTTPTransport, before the libcurl client).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "${1:-$here/../..}" && pwd)
out=${2:-$tree/.build/bench/transport-bench}
dir=$(dirname "$out")/$(basename "$out").d
mkdir -p "$dir"
flags=(-O -wmo -swift-version 6 -parse-as-library)
swiftc "${flags[@]}" -module-name TraktProtocol -emit-module -emit-module-path "$dir/TraktProtocol.swiftmodule" \
    -emit-object -o "$dir/TraktProtocol.o" "$tree"/Sources/TraktProtocol/*.swift
mapfile -t engine < <(find "$tree/Sources/TraktQL" -name '*.swift' | sort)
swiftc "${flags[@]}" -module-name TraktQL -I "$dir" -emit-module -emit-module-path "$dir/TraktQL.swiftmodule" \
    -emit-object -o "$dir/TraktQL.o" "${engine[@]}"
objects=("$dir/TraktProtocol.o" "$dir/TraktQL.o")
define=()
if [ -d "$tree/Sources/TraktQLCurl" ]; then
    clang -O2 -c -I "$tree/Sources/CCurl/include" "$tree/Sources/CCurl/CCurl.c" -o "$dir/CCurl.o"
    printf 'module CCurl {\n    header "%s"\n    export *\n}\n' "$tree/Sources/CCurl/include/CCurl.h" > "$dir/module.modulemap"
    swiftc "${flags[@]}" -module-name TraktQLCurl -I "$dir" -emit-module -emit-module-path "$dir/TraktQLCurl.swiftmodule" \
        -emit-object -o "$dir/TraktQLCurl.o" "$tree"/Sources/TraktQLCurl/*.swift
    objects+=("$dir/CCurl.o" "$dir/TraktQLCurl.o")
else
    define=(-D OLD_CLIENT)
fi
swiftc -O -swift-version 6 -I "$dir" "${define[@]}" "$here/main.swift" "${objects[@]}" -ldl -o "$out"
echo "$out"
