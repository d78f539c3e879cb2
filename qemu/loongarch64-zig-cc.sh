#!/bin/sh
# C compiler and linker for loongarch64-unknown-linux-musl (rustup has no
# loongarch64 target; see qemu/README.md). Runs `zig cc` from the PyPI
# `ziglang` wheel that `cargo xtask setup --arch loongarch64` installs into
# target/ziglang, producing dynamic executables whose interpreter is
# /lib/ld-musl-loongarch64.so.1 (target/loongarch64-sysroot under qemu -L).
#
# Arguments are passed through except:
#   --target=*  dropped (rustc and the cc crate pass an LLVM triple zig rejects)
#   -lgcc       dropped (zig links its own compiler-rt)
#   -lgcc_s     becomes -lunwind (zig's libunwind provides _Unwind_*)
#   -L DIR      dropped when DIR does not exist (with -Zbuild-std, rustc
#               passes the toolchain's absent loongarch64 lib dir; zig would
#               warn, and rustc reports linker warnings)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ziglang=${XTASK_ZIGLANG_DIR:-$here/../target/ziglang}
PYTHONPATH="$ziglang${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH

for arg do
    shift
    if [ -n "${pending_dir:-}" ]; then
        pending_dir=
        if [ -d "$arg" ]; then set -- "$@" -L "$arg"; fi
        continue
    fi
    case $arg in
        --target=* | -lgcc) ;;
        -lgcc_s) set -- "$@" -lunwind ;;
        -L) pending_dir=1 ;;
        -L*) if [ -d "${arg#-L}" ]; then set -- "$@" "$arg"; fi ;;
        *) set -- "$@" "$arg" ;;
    esac
done

exec python3 -m ziglang cc -target loongarch64-linux-musl -mcpu=la464 -dynamic "$@"
