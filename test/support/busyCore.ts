// A bounded busy loop: one child process spinning on a core until a deadline, so the zero-failure
// tests run under CPU contention. Always stop it in `finally`; it ends by itself at the deadline.
import { ChildProcess, spawn } from "child_process";

export class BusyCore {
    private readonly child: ChildProcess;

    constructor(maxSec: number) {
        const script = `const end = Date.now() + ${Math.round(maxSec * 1000)}; let x = 0; while (Date.now() < end) { x = (x * 31 + 7) % 1000003; }`;
        this.child = spawn(process.execPath, ["-e", script], { stdio: "ignore" });
    }

    /** True while the child spins (it has not exited yet). */
    get running(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    stop(): void {
        if (this.running) {
            this.child.kill("SIGKILL");
        }
    }
}
