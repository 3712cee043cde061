// The Docker names and hostnames the local target gives its containers (components/local/*), as lengths:
// the parser refuses a project/stack/service name that would make one longer than a hostname may be,
// before Docker or runc fails halfway through an update. test/unit/configInputs.test.ts checks these
// against the hostnames a mock evaluation really declares.

/**
 * Longest container hostname: it is one DNS label (RFC 1035: at most 63 octets) on the stack's network,
 * and Linux's sethostname refuses more than 64 (HOST_NAME_MAX), which Docker's runtime hits at start.
 */
export const LOCAL_HOSTNAME_MAX = 63;
/** Hex digits of a replica generation (components/local/appService.ts replicaGeneration). */
const GENERATION_DIGITS = 6;
/** Hex digits of an nginx config id (nginx/render.ts configIdOf). */
const CONFIG_ID_DIGITS = 8;
/** Digits of the highest replica number (LIMITS.replicas is 50): a stack that fits keeps fitting when it scales. */
const REPLICA_DIGITS = 2;

/** Hostname lengths for a name prefix (`<project>-<stack>`) and a service name. */
export function localHostnameLengths(prefix: string, service: string): { nginx: number; nginxConfig: number; app: number } {
    return {
        // <prefix>-nginx
        nginx: prefix.length + "-nginx".length,
        // <prefix>-nginx-config-<config id>
        nginxConfig: prefix.length + "-nginx-config-".length + CONFIG_ID_DIGITS,
        // <prefix>-<service>-<generation>-<replica>
        app: prefix.length + 1 + service.length + 1 + GENERATION_DIGITS + 1 + REPLICA_DIGITS,
    };
}

/**
 * Whether a service name is also a name on the stack's Docker network: the network itself (`<prefix>`),
 * any container of the stack (all `<prefix>-...`), or localhost (nginx's own /etc/hosts answers it).
 */
export function isStackNetworkName(prefix: string, name: string): boolean {
    return name === "localhost" || name === prefix || name.startsWith(`${prefix}-`);
}
