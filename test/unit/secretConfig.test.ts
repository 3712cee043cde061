// services[].secretConfig on the local target: a Pulumi secret read into the replicas' environment. Its
// value must reach the container, and appear nowhere in what the program declares except inside Pulumi's
// secret wrapper (which state stores encrypted and logs mask).
import { Evaluation, evaluate } from "../../evaluation/evaluate";
import { DOCKER } from "../../evaluation/resourceTypes";
import { problemsOf } from "../support/problems";

const VALUE = "s3cret-value-7f3a9c";
/** Pulumi's marker of a secret value in serialized inputs (sdk/nodejs/runtime/rpc.ts specialSecretSig). */
const SECRET_SIG = ["4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"] as const;

/** The serialized value with every secret-wrapped subtree cut out. */
function outsideSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(outsideSecrets);
    }
    if (typeof value === "object" && value !== null) {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG[0]] === SECRET_SIG[1]) {
            return "[secret]";
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, outsideSecrets(v)]));
    }
    return value;
}

const SERVICES = [
    { name: "application1", weight: 3, secretConfig: { DB_PASSWORD: "dbPassword" } },
    { name: "application2", weight: 1 },
];

let ev: Evaluation;
beforeAll(async () => {
    ev = await evaluate({ services: SERVICES, dbPassword: VALUE }, { secretKeys: ["webstack:dbPassword"] });
}, 60_000);

test("the secret reaches application1's containers (only), as DB_PASSWORD, in an environment Pulumi holds as a secret", () => {
    expect(ev.error).toBeUndefined();
    const envsOf = (prefix: string) =>
        ev.resources.filter((r) => r.type === DOCKER.container && r.name.startsWith(prefix)).map((r) => r.inputs.envs as unknown);
    const [wrapped] = envsOf("webstack-application1") as Record<string, unknown>[];
    expect(wrapped[SECRET_SIG[0]]).toBe(SECRET_SIG[1]);
    expect((wrapped.value as string[]).filter((x) => x.startsWith("DB_PASSWORD="))).toEqual([`DB_PASSWORD=${VALUE}`]);
    // A service without secrets keeps a plain environment.
    const [plain] = envsOf("webstack-application2") as string[][];
    expect(Array.isArray(plain) && plain.every((x) => !x.includes(VALUE))).toBe(true);
});

test("the value appears nowhere in the declared inputs or outputs outside Pulumi's secret wrapper", () => {
    const all = ev.resources.map((r) => r.serializedInputs);
    expect(JSON.stringify(all)).toContain(VALUE);
    expect(JSON.stringify(all.map(outsideSecrets))).not.toContain(VALUE);
    expect(JSON.stringify(ev.outputs)).not.toContain(VALUE);
});

describe("bad secretConfig", () => {
    const raw = (secretConfig: unknown, extra: Record<string, string> = {}) => ({
        services: JSON.stringify([{ name: "a", secretConfig }]),
        ...extra,
    });
    test.each([
        [
            "a key this stack does not set",
            raw({ DB_PASSWORD: "dbPasword" }),
            {},
            "webstack:services[0].secretConfig.DB_PASSWORD: got \"dbPasword\"; names config key 'webstack:dbPasword', which this stack does not set. Fix: pulumi config set --secret 'webstack:dbPasword' <value>",
        ],
        [
            "a key stored in plain text (its value is not shown)",
            raw({ DB_PASSWORD: "dbPassword" }, { dbPassword: VALUE }),
            {},
            "webstack:services[0].secretConfig.DB_PASSWORD: got \"dbPassword\"; names config key 'webstack:dbPassword', which is stored in plain text in Pulumi.<stack>.yaml; a secret must be a Pulumi secret. Fix: pulumi config set --secret 'webstack:dbPassword' <value>",
        ],
        [
            "a bad environment name",
            raw({ "DB-PASSWORD": "dbPassword" }),
            {},
            'webstack:services[0].secretConfig.DB-PASSWORD: got "DB-PASSWORD"; must be an environment variable name: letters, digits and _, not starting with a digit. Fix: rename it, e.g. DB_PASSWORD',
        ],
        [
            "a name webstack sets itself",
            raw({ WEBSTACK_SERVICE: "dbPassword" }),
            {},
            expect.stringMatching(
                /^webstack:services\[0\]\.secretConfig\.WEBSTACK_SERVICE: got "WEBSTACK_SERVICE"; is set by webstack itself \(WEBSTACK_SERVICE, /,
            ),
        ],
        [
            "not a map",
            raw("dbPassword"),
            {},
            'webstack:services[0].secretConfig: got "dbPassword"; must be a map of ENV_NAME to a Pulumi secret config key. Fix: write it as secretConfig: {DB_PASSWORD: dbPassword}, after pulumi config set --secret dbPassword <value>',
        ],
        [
            "on an aws stack",
            { target: "aws", ...raw({ DB_PASSWORD: "dbPassword" }) },
            { awsRegion: "us-east-1" },
            'webstack:services[0].secretConfig: got {"DB_PASSWORD":"dbPassword"}; is only read when webstack:target is local (Pulumi secret config read into the container; on aws, use secrets); this stack\'s target is aws. Fix: remove \'secretConfig\' from webstack:services[0] in Pulumi.<stack>.yaml, or pulumi config set webstack:target local',
        ],
    ])("%s", (_label, config, provider, message) => {
        expect(problemsOf(config, provider)).toEqual([message]);
    });

    test("a secret key a service names is not an unknown webstack key; an unnamed one is, and its value is not shown", () => {
        const secret = new Set(["dbPassword"]);
        expect(problemsOf(raw({ DB_PASSWORD: "dbPassword" }, { dbPassword: VALUE }), { secretKeys: secret })).toEqual([]);
        const orphan = problemsOf({ dbPassword: VALUE }, { secretKeys: secret });
        expect(orphan).toHaveLength(1);
        expect(orphan[0]).toMatch(/^webstack:dbPassword: got a string \(not shown: webstack:dbPassword is a secret\); unknown config key/);
    });

    test("a key of another namespace counts when the stack sets it as a secret", () => {
        const config = raw({ API_TOKEN: "app:apiToken" });
        expect(problemsOf(config, { configKeys: new Map([["app:apiToken", true]]) })).toEqual([]);
        expect(problemsOf(config, { configKeys: new Map([["app:apiToken", false]]) })[0]).toMatch(/which is stored in plain text/);
    });
});
