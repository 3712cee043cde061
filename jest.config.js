// Two suites: unit (mock runtime, pure functions) and engine (the real Docker engine, serial).
const base = {
    preset: "ts-jest",
    testEnvironment: "node",
    transform: { "^.+\\.ts$": ["ts-jest", {}] },
};

module.exports = {
    // A mock evaluation of the aws stack (50 resources) takes seconds on a loaded 2-core machine; 30 s keeps a beforeAll from timing out.
    // (Engine suites set their own, longer timeouts.)
    testTimeout: 30_000,
    projects: [
        { ...base, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
        {
            ...base,
            displayName: "engine",
            testMatch: ["<rootDir>/test/engine/**/*.test.ts"],
            globalSetup: "<rootDir>/test/engine/globalSetup.ts",
        },
    ],
};
