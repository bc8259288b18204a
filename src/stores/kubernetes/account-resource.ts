/**
 * Moved to src/kubernetes/account-resource.ts (issue 17). Re-exported here only until src/cli, bench/support and
 * test/unit/cli import the new path; delete this file then.
 */
export * from "../../kubernetes/account-resource.ts";
