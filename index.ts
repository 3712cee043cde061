// Entry point for `pulumi up`: the stack outputs are `url` and `upstreams`.
import { main } from "./program";

export = main();
