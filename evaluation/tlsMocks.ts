// Mocked outputs of the tls:* resources: deterministic placeholders for the PEMs the provider would
// generate, so two evaluations of the same program agree, and the replay (replay/tls.ts) can put
// the real PEM it made wherever a placeholder arrives (a container upload).
import { State, digest } from "./hash";
import { TLS } from "./resourceTypes";

/** Every placeholder starts with this; the replay refuses to upload one it has no real PEM for. */
export const TLS_PLACEHOLDER_PREFIX = "webstack-mock-tls-";

export const TLS_RESOURCE_OUTPUTS: Record<string, (name: string, inputs: State) => State> = {
    [TLS.privateKey]: (name, i) => ({ privateKeyPem: `${TLS_PLACEHOLDER_PREFIX}key-${digest({ name, i }, 16)}` }),
    [TLS.selfSignedCert]: (name, i) => ({ certPem: `${TLS_PLACEHOLDER_PREFIX}cert-${digest({ name, i }, 16)}` }),
};
