/** Types of scripts/node22.mjs (plain JavaScript: it runs on whatever Node runs npm). */
export declare const NODE22_VERSION: string;
export declare const NODE22_HOME: string;
export declare function runsNode22(): boolean;
export declare function node22(log?: (line: string) => void): Promise<string>;
export declare function fetchedNode22(log?: (line: string) => void): Promise<string>;
export declare function execNode22(args: readonly string[]): Promise<void>;
