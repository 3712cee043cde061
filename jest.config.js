// Two suites: unit (mock runtime, pure functions) and engine (the real Docker engine, serial).
const base = {
    preset: "ts-jest",
    testEnvironment: "node",
    transform: { "^.+\\.ts$": ["ts-jest", {}] },
};

module.exports = {
    projects: [
        // Mock evaluations slow down on a loaded 2-core machine; 30 s keeps beforeAll from timing out.
        { ...base, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"], testTimeout: 30_000 },
        {
            ...base,
            displayName: "engine",
            testMatch: ["<rootDir>/test/engine/**/*.test.ts"],
            globalSetup: "<rootDir>/test/engine/globalSetup.ts",
        },
    ],
};
