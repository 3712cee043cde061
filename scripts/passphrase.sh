# Sourced by scripts/up.sh (and its test): how a stack's secrets passphrase is chosen. Needs no Pulumi CLI.
# docs/passphrase.md explains the choices to users.
#
# webstack_passphrase STACK STACK_FILE [STATE_FILE]
#   - PULUMI_CONFIG_PASSPHRASE_FILE set: used as it is, if the file is non-empty and private (no group/other bits).
#   - PULUMI_CONFIG_PASSPHRASE set and non-empty: used as it is.
#   - PULUMI_CONFIG_PASSPHRASE set but empty: refused when the stack holds a secret (a `secure:` value or
#     webstack:tls in STACK_FILE, or a secret in the checkpoint STATE_FILE); allowed, with a warning, otherwise.
#   - neither: a random passphrase is generated once into $XDG_CONFIG_HOME/webstack/passphrase-STACK (0600, in a
#     0700 folder, outside the repo) and used through PULUMI_CONFIG_PASSPHRASE_FILE on every later run.
# Returns non-zero with the reason on stderr when it refuses.

webstack_passphrase_dir() {
    printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/webstack"
}

# Octal permission bits of a file (GNU stat, then BSD stat).
webstack_mode() {
    stat -c '%a' "$1" 2>/dev/null || stat -f '%Lp' "$1"
}

# True when the stack file or the checkpoint holds a secret. Pulumi marks a secret in state with this signature.
webstack_stack_holds_secrets() {
    local stack_file=$1 state_file=${2:-}
    if [ -f "$stack_file" ] && grep -Eq '(^|[[:space:]])secure:|^[[:space:]]*webstack:tls:' "$stack_file"; then
        return 0
    fi
    [ -n "$state_file" ] && [ -f "$state_file" ] && grep -q '4dabf18193072939515e22adb298388d' "$state_file"
}

# A passphrase file must exist, be non-empty and be readable by its owner only.
webstack_check_passphrase_file() {
    local f=$1 mode
    if [ ! -s "$f" ]; then
        echo "up: the passphrase file $f is missing or empty; remove it to have a new one generated, or write the stack's passphrase into it" >&2
        return 1
    fi
    mode=$(webstack_mode "$f")
    if [ $((8#$mode & 8#077)) -ne 0 ]; then
        echo "up: the passphrase file $f has mode $mode, readable by others; run: chmod 600 '$f'" >&2
        return 1
    fi
}

webstack_passphrase() {
    local stack=$1 stack_file=$2 state_file=${3:-} dir file
    if [ -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
        webstack_check_passphrase_file "$PULUMI_CONFIG_PASSPHRASE_FILE" || return 1
        # Pulumi prefers PULUMI_CONFIG_PASSPHRASE over the file; an empty one must not win.
        [ -n "${PULUMI_CONFIG_PASSPHRASE:-}" ] || unset PULUMI_CONFIG_PASSPHRASE
        return 0
    fi
    if [ -n "${PULUMI_CONFIG_PASSPHRASE+set}" ]; then
        if [ -n "$PULUMI_CONFIG_PASSPHRASE" ]; then
            return 0
        fi
        if webstack_stack_holds_secrets "$stack_file" "$state_file"; then
            echo "up: PULUMI_CONFIG_PASSPHRASE is empty and stack $stack holds secrets (TLS key or secure config): anyone with its state could read them." >&2
            echo "up: unset PULUMI_CONFIG_PASSPHRASE to have a passphrase generated into $(webstack_passphrase_dir)/passphrase-$stack, or set a real one (docs/passphrase.md)" >&2
            return 1
        fi
        echo "up: warning: empty PULUMI_CONFIG_PASSPHRASE; allowed only while stack $stack holds no secret (docs/passphrase.md)" >&2
        return 0
    fi
    dir=$(webstack_passphrase_dir)
    file="$dir/passphrase-$stack"
    if [ ! -e "$file" ]; then
        (umask 077 && mkdir -p "$dir" && chmod 700 "$dir") || return 1
        # 32 random bytes, base64: 256 bits. umask 077 makes the file 0600 from its first byte.
        (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' > "$file.new" && mv -f "$file.new" "$file") || return 1
        echo "up: generated a passphrase for stack $stack in $file (keep it: without it the stack's secrets cannot be decrypted)" >&2
    fi
    webstack_check_passphrase_file "$file" || return 1
    export PULUMI_CONFIG_PASSPHRASE_FILE=$file
}
