// Two suites: unit (mock runtime, pure functions) and engine (the real Docker engine, serial).
const base = {
    preset: "ts-jest",
    testEnvironment: "node",
    transform: { "^.+\\.ts$": ["ts-jest", {}] },
};

module.exports = {
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
